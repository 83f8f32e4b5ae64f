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
