/**
 * The realistic-volume part of `npm run bench` (issues 4 and 5): a local runtime on its own temporary data dir,
 * its clock started at a fixed simulated now, seeded with a year of one county's cases (bench/seed.ts); then the
 * queries reviewers and auditors run every day, timed over real HTTP as the demo users, each with the DynamoDB
 * units it consumed (the runtime's handlers run in this process, so the capacity counters see their requests).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consumed, resetConsumed } from '../functions/store/capacity.ts';
import { Store } from '../functions/store/store.ts';
import { startRuntime } from '../local/runtime.ts';
import { type ApiClient, login } from '../test/support/runtime.ts';
import { SEED_COUNTY, type SeedReport, seedCounty } from './seed.ts';
import { percentile } from './stats.ts';

/** The simulated now: the seeded year is December 2025 to November 2026. */
export const VOLUME_NOW = Date.parse('2026-11-30T10:00:00+08:00');
const YEAR = 'from=2025-12&to=2026-11';

export interface VolumeOptions {
  cases: number;
  /** timed calls per query, after one warm-up call */
  repeats: number;
  /** stop repeating a query after this long, once it has at least MIN_SAMPLES calls */
  budgetMs: number;
  /** BatchWriteItem requests in flight while seeding */
  concurrency: number;
  log: (line: string) => void;
}

export interface QueryFigure {
  path: string;
  user: string;
  n: number;
  p50Ms: number;
  p95Ms: number;
  /** median read units one call consumed */
  readUnits: number;
  /** median write units one call consumed (a read may be logged) */
  writeUnits: number;
  /** rows (or report groups) the call returned */
  rows: number;
}

export interface VolumeFigures {
  seed: SeedReport & { dataDir: string };
  queries: Record<string, QueryFigure>;
  /** queries the runtime does not serve (yet), with its answer */
  skipped: Record<string, string>;
}

const MIN_SAMPLES = 5;

interface Query {
  name: string;
  user: 'township' | 'auditor';
  path: string;
  /** optional routes are skipped, not failed, when the runtime answers otherwise than 200 */
  optional?: boolean;
}

/** The queries timed, as the demo users: the township's inbox (and its next page), overdue lists, reports. */
function queries(nextPageCursor: string | undefined): Query[] {
  return [
    { name: 'inboxFirstPage', user: 'township', path: '/api/tasks?limit=20' },
    ...(nextPageCursor
      ? [
          {
            name: 'inboxNextPage',
            user: 'township' as const,
            path: `/api/tasks?limit=20&cursor=${encodeURIComponent(nextPageCursor)}`,
          },
        ]
      : []),
    { name: 'inboxOverdue', user: 'township', path: '/api/tasks?overdue=true&limit=20', optional: true },
    { name: 'overdueReport', user: 'auditor', path: '/api/reports/overdue', optional: true },
    { name: 'stuckReport', user: 'auditor', path: '/api/reports/stuck', optional: true },
    ...(['stage', 'township', 'month'] as const).map((by) => ({
      name: `stageTimingsBy${by[0]!.toUpperCase()}${by.slice(1)}`,
      user: 'auditor' as const,
      path: `/api/reports/stage-timings?${YEAR}&groupBy=${by}`,
    })),
  ];
}

/**
 * Starts a runtime on a fresh temporary data dir, seeds it, times every query, stops it and removes the data dir.
 * The data dir goes on tmpfs when the machine has one: DynamoDB Local's on-disk store syncs every write (about
 * 5× slower to seed here), which a dataset thrown away after the run does not need.
 */
export async function volumeBench(opts: VolumeOptions): Promise<VolumeFigures> {
  const parent = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dataDir = await mkdtemp(join(parent, 'bench-volume-'));
  try {
    const rt = await startRuntime({ port: 0, dataDir, timeScale: 1, startAt: VOLUME_NOW });
    try {
      opts.log(`seeding ${opts.cases} cases of county ${SEED_COUNTY} (data dir on ${parent})…`);
      const seed = await seedCounty({
        store: Store.fromEnv(),
        cases: opts.cases,
        now: VOLUME_NOW,
        stateMachineArn: process.env.IDENTIFICATION_STATE_MACHINE_ARN!,
        concurrency: opts.concurrency,
        log: opts.log,
      });
      const users = { township: await login(rt.url, 'township'), auditor: await login(rt.url, 'auditor') };
      const firstPage = await users.township.get<{ cursor?: string }>('/api/tasks?limit=20');
      const figures: VolumeFigures = { seed: { ...seed, dataDir: parent }, queries: {}, skipped: {} };
      if (!firstPage.body.cursor) figures.skipped.inboxNextPage = 'the first inbox page had no next page';
      for (const q of queries(firstPage.body.cursor)) {
        opts.log(`  timing ${q.user} GET ${q.path.slice(0, 80)}…`);
        const result = await timeQuery(users[q.user], q, opts);
        if (typeof result === 'string') figures.skipped[q.name] = result;
        else figures.queries[q.name] = result;
      }
      return figures;
    } finally {
      await rt.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** One warm-up call (which also tells whether the runtime serves the query), then the timed calls. */
async function timeQuery(client: ApiClient, q: Query, opts: VolumeOptions): Promise<QueryFigure | string> {
  const first = await client.get<{ items?: unknown[]; groups?: unknown[]; error?: { code: string } }>(q.path);
  if (first.status !== 200) {
    const answer = `${first.status} ${first.body?.error?.code ?? ''}`.trim();
    if (q.optional) return answer;
    throw new Error(`bench: ${q.path} answered ${answer}`);
  }
  const ms: number[] = [];
  const reads: number[] = [];
  const writes: number[] = [];
  const stopAt = performance.now() + opts.budgetMs;
  while (ms.length < opts.repeats && (ms.length < MIN_SAMPLES || performance.now() < stopAt)) {
    resetConsumed();
    const started = performance.now();
    const res = await client.get(q.path);
    ms.push(performance.now() - started);
    reads.push(consumed.readUnits);
    writes.push(consumed.writeUnits);
    if (res.status !== 200) throw new Error(`bench: ${q.path} answered ${res.status}`);
  }
  const median = (xs: number[]) =>
    round(
      percentile(
        [...xs].sort((a, b) => a - b),
        50,
      ),
    );
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    path: q.path.length > 80 ? `${q.path.slice(0, 77)}...` : q.path,
    user: q.user,
    n: ms.length,
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    readUnits: median(reads),
    writeUnits: median(writes),
    rows: (first.body.items ?? first.body.groups ?? []).length,
  };
}

/** The figures as lines for the console. */
export function volumeLines(f: VolumeFigures): string[] {
  const s = f.seed;
  const statuses = Object.entries(s.statuses)
    .sort(([, a], [, b]) => b - a)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `volume: ${s.cases} cases seeded as ${s.items} items in ${round(s.seconds)} s → ${round(s.itemsPerSecond)} items/s, ${round(s.casesPerSecond)} cases/s (BatchWriteItem, data dir on ${s.dataDir})`,
    `  cases: ${statuses}; ${s.timingRecords} stage records; ${s.openTasks} open tasks, ${s.overdueOpenTasks} overdue`,
    ...Object.values(f.queries).map(
      (q) =>
        `  ${q.user} GET ${q.path}: p50 ${q.p50Ms} ms, p95 ${q.p95Ms} ms, ${q.readUnits} RCU + ${q.writeUnits} WCU/call, ${q.rows} rows (n=${q.n})`,
    ),
    ...Object.entries(f.skipped).map(([name, why]) => `  skipped ${name}: ${why}`),
  ];
}

const round = (x: number) => Math.round(x * 10) / 10;
