import { readFileSync } from 'node:fs';

/** The sum of some numbers. */
export const sum = (xs: Iterable<number>): number => [...xs].reduce((a, b) => a + b, 0);

/** Nearest-rank percentile (the smallest value with at least p% of the values at or below it). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** Latencies grouped by a label (a route), summarised as p50/p95 in ms. */
export class Timings {
  private readonly byLabel = new Map<string, number[]>();

  add(label: string, ms: number): void {
    const list = this.byLabel.get(label) ?? [];
    list.push(ms);
    this.byLabel.set(label, list);
  }

  count(): number {
    let n = 0;
    for (const list of this.byLabel.values()) n += list.length;
    return n;
  }

  summary(): Record<string, { n: number; p50: number; p95: number }> {
    const out: Record<string, { n: number; p50: number; p95: number }> = {};
    for (const [label, list] of [...this.byLabel].sort(([a], [b]) => a.localeCompare(b))) {
      const sorted = [...list].sort((x, y) => x - y);
      out[label] = { n: list.length, p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)) };
    }
    return out;
  }
}

const round = (x: number) => Math.round(x * 10) / 10;

/** Linux's USER_HZ: /proc counts CPU time in hundredths of a second on every architecture Node runs on. */
const CLOCK_TICKS = 100;

/** CPU seconds (user + system, every thread) process `pid` has used, from /proc; undefined where it cannot be read. */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // after the command name (in parentheses, spaces allowed): the state is field 3, utime 14 and stime 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/**
 * How busy this process and DynamoDB Local's (`dynamoDbPid`) were since the meter started, in cores (CPU seconds
 * per second); DynamoDB Local's is undefined where /proc cannot tell.
 */
export function cpuMeter(dynamoDbPid: number | undefined) {
  const started = performance.now();
  const node = process.cpuUsage();
  const dynamoDb = cpuSecondsOf(dynamoDbPid);
  return () => {
    const seconds = (performance.now() - started) / 1000;
    const { user, system } = process.cpuUsage(node);
    const dynamoDbNow = cpuSecondsOf(dynamoDbPid);
    const cores = (s: number) => Math.round((s / seconds) * 100) / 100;
    return {
      nodeCores: cores((user + system) / 1e6),
      dynamoDbCores:
        dynamoDb === undefined || dynamoDbNow === undefined ? undefined : cores(dynamoDbNow - dynamoDb),
    };
  };
}
