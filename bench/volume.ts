/**
 * The realistic-volume part of `npm run bench` (issues 4 and 5): a local runtime on its own temporary data dir,
 * its clock started at a fixed simulated now, seeded with a year of one county's cases (bench/seed.ts); then the
 * queries reviewers and auditors run every day, timed over real HTTP as the demo users, each with the DynamoDB
 * units it consumed (the runtime's handlers run in this process, so the capacity counters see their requests).
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDeps } from '../functions/services/deps.ts';
import { stageTimings, stageTimingsQuerySchema } from '../functions/services/reports.ts';
import { consumed, resetConsumed } from '../functions/store/capacity.ts';
import { Store } from '../functions/store/store.ts';
import { DEMO_USERS } from '../local/auth.ts';
import { startRuntime } from '../local/runtime.ts';
import { type ApiClient, login } from '../test/support/runtime.ts';
import { SEED_COUNTY, type SeedReport, seedCounty } from './seed.ts';
import { percentile } from './stats.ts';

/** The simulated now: the seeded year is December 2025 to November 2026. */
export const VOLUME_NOW = Date.parse('2026-11-30T10:00:00+08:00');
const YEAR = { from: '2025-12', to: '2026-11' } as const;
const AUDITOR = DEMO_USERS.find((u) => u.username === 'auditor')!;

export interface VolumeOptions {
  cases: number;
  /** timed calls per query, after one warm-up call */
  repeats: number;
  /** stop repeating a query after this long, once it has at least MIN_SAMPLES calls */
  budgetMs: number;
  /** BatchWriteItem requests in flight while seeding */
  concurrency: number;
  /**
   * A directory keeping the seeded data between runs (BENCH_VOLUME_SNAPSHOT): seeded and saved there when it holds
   * no seed of `cases` cases, else copied from it instead of seeding (10⁵ cases take tens of minutes to seed).
   * Each run works on a copy, so every run starts with no stored timing samples.
   */
  snapshot?: string;
  log: (line: string) => void;
}

/** Timed calls of one query: latency percentiles and the DynamoDB units of a median call. */
export interface Timed {
  n: number;
  p50Ms: number;
  p95Ms: number;
  /** median read units one call consumed */
  readUnits: number;
  /** median write units one call consumed (a read may be logged) */
  writeUnits: number;
  /** rows (or report groups) the call returned */
  rows: number;
  /** calls that did not answer 200 */
  errors: number;
}

/** One call's latency and units. */
export interface OneCall {
  ms: number;
  readUnits: number;
  writeUnits: number;
}

export interface QueryFigure extends Timed {
  path: string;
  user: string;
  /** the warm-up call: for a timing report over settled months, the one that stores their samples */
  first: OneCall;
}

/** A query whose route gave up (API Gateway's 30 s limit): its answer, and the same report timed in-process. */
export interface FailedQuery {
  path: string;
  user: string;
  answer: string;
  ms: number;
  /** read units of the whole abandoned computation (it runs on after the route gave up) */
  readUnits: number;
  direct?: Timed;
}

export interface VolumeFigures {
  seed: SeedReport & { dataDir: string };
  /** one run of the app's schedules after seeding (the timing-samples job, as EventBridge Scheduler runs it) */
  schedules: { ms: number; results: Record<string, unknown> };
  queries: Record<string, QueryFigure>;
  failed: Record<string, FailedQuery>;
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
  /** the same report computed in this process, without the API's time limit; resolves to its rows */
  direct?: () => Promise<unknown[]>;
}

/** One call: whether it answered, its rows, and its answer when it did not. */
type Call = () => Promise<{ ok: boolean; rows: number; answer: string }>;

/**
 * The queries timed, as the demo users: the township's inbox (and its next page), overdue lists, the monitoring
 * year, stage timings.
 */
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
    // The scheduled job stored the samples: the first call is like any other.
    ...(['stage', 'township', 'month'] as const).map((groupBy) => ({
      name: `stageTimingsBy${groupBy[0]!.toUpperCase()}${groupBy.slice(1)}`,
      user: 'auditor' as const,
      path: `/api/reports/stage-timings?from=${YEAR.from}&to=${YEAR.to}&groupBy=${groupBy}`,
      direct: async () => {
        const query = stageTimingsQuerySchema.parse({ ...YEAR, groupBy });
        return (await stageTimings(sharedDeps(), AUDITOR, query)).groups;
      },
    })),
    {
      name: 'stageTimingsOwnTownship',
      user: 'township',
      path: `/api/reports/stage-timings?from=${YEAR.from}&to=${YEAR.to}&groupBy=month`,
    },
    // the dashboard's monitoring card, last: at 10⁵ cases it outlasts the API's time limit on DynamoDB Local (a page
    // of the county's monitored entries takes seconds there), and what it leaves running must not slow the others
    { name: 'monitoringReport', user: 'auditor', path: '/api/reports/monitoring?year=2026' },
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
    const seed = await seededDataDir(dataDir, opts);
    // the seeded cases have no executions: nothing to resume
    const rt = await startRuntime({ port: 0, dataDir, timeScale: 1, startAt: VOLUME_NOW, resume: false });
    try {
      // what the hourly schedule would have stored over the seeded year
      opts.log('  running the scheduled jobs (timing samples)…');
      const jobStarted = performance.now();
      const results = await rt.runSchedules();
      const schedules = { ms: round(performance.now() - jobStarted), results };
      const users = { township: await login(rt.url, 'township'), auditor: await login(rt.url, 'auditor') };
      const firstPage = await users.township.get<{ cursor?: string }>('/api/tasks?limit=20');
      const figures: VolumeFigures = {
        seed: { ...seed, dataDir: parent },
        schedules,
        queries: {},
        failed: {},
        skipped: {},
      };
      if (!firstPage.body.cursor) figures.skipped.inboxNextPage = 'the first inbox page had no next page';
      for (const q of queries(firstPage.body.cursor)) {
        opts.log(`  timing ${q.user} GET ${q.path.slice(0, 80)}…`);
        await timeQuery(users[q.user], q, opts, figures);
      }
      return figures;
    } finally {
      await rt.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

const SNAPSHOT_REPORT = 'seed-report.json';
/** The simulated clock a runtime keeps in its data dir: a copied snapshot starts again at VOLUME_NOW. */
const CLOCK_FILE = 'clock.json';

/** Fills `dataDir` with a seeded county: copied from the snapshot when it holds one of `opts.cases` cases. */
async function seededDataDir(dataDir: string, opts: VolumeOptions): Promise<SeedReport> {
  const saved = opts.snapshot && join(opts.snapshot, SNAPSHOT_REPORT);
  if (saved && existsSync(saved)) {
    const report = JSON.parse(await readFile(saved, 'utf8')) as SeedReport;
    if (report.cases === opts.cases) {
      opts.log(`copying the seeded county of ${report.cases} cases from ${opts.snapshot}…`);
      await cp(opts.snapshot!, dataDir, { recursive: true });
      return report;
    }
  }
  const rt = await startRuntime({ port: 0, dataDir, timeScale: 1, startAt: VOLUME_NOW });
  let report: SeedReport;
  try {
    opts.log(`seeding ${opts.cases} cases of county ${SEED_COUNTY} (data dir ${dataDir})…`);
    report = await seedCounty({
      store: Store.fromEnv(),
      cases: opts.cases,
      now: VOLUME_NOW,
      stateMachineArn: process.env.IDENTIFICATION_STATE_MACHINE_ARN!,
      concurrency: opts.concurrency,
      log: opts.log,
    });
  } finally {
    await rt.stop();
  }
  await rm(join(dataDir, CLOCK_FILE), { force: true });
  if (opts.snapshot) {
    await rm(opts.snapshot, { recursive: true, force: true });
    await cp(dataDir, opts.snapshot, { recursive: true });
    await writeFile(join(opts.snapshot, SNAPSHOT_REPORT), JSON.stringify(report));
  }
  return report;
}

/**
 * One warm-up call (which also tells whether the runtime serves the query), then the timed calls, into `figures`.
 * A route that gives up is recorded with its answer; its report is then timed in-process, once the abandoned
 * computation (which runs on in this process) has finished.
 */
async function timeQuery(client: ApiClient, q: Query, opts: VolumeOptions, figures: VolumeFigures) {
  const path = q.path.length > 80 ? `${q.path.slice(0, 77)}...` : q.path;
  const http: Call = async () => {
    const res = await client.get<{ items?: unknown[]; groups?: unknown[]; error?: { code: string } }>(q.path);
    const answer = `${res.status} ${res.body?.error?.code ?? ''}`.trim();
    return { ok: res.status === 200, rows: (res.body?.items ?? res.body?.groups ?? []).length, answer };
  };
  resetConsumed();
  const started = performance.now();
  const first = await http();
  const firstCall: OneCall = {
    ms: round(performance.now() - started),
    readUnits: round(consumed.readUnits),
    writeUnits: round(consumed.writeUnits),
  };
  if (first.ok) {
    figures.queries[q.name] = {
      path,
      user: q.user,
      first: firstCall,
      ...(await timeCalls(http, opts, MIN_SAMPLES)),
    };
  } else if (q.optional) {
    figures.skipped[q.name] = first.answer;
  } else {
    const ms = firstCall.ms;
    await settled();
    const failed: FailedQuery = {
      path,
      user: q.user,
      answer: first.answer,
      ms,
      readUnits: round(consumed.readUnits),
    };
    const direct = q.direct;
    if (direct) {
      failed.direct = await timeCalls(
        async () => ({ ok: true, rows: (await direct()).length, answer: '' }),
        opts,
        1,
      );
    }
    figures.failed[q.name] = failed;
  }
}

/** Calls `call` up to `opts.repeats` times, stopping after the time budget once there are `minSamples`. */
async function timeCalls(call: Call, opts: VolumeOptions, minSamples: number): Promise<Timed> {
  const ms: number[] = [];
  const reads: number[] = [];
  const writes: number[] = [];
  let rows = 0;
  let errors = 0;
  const stopAt = performance.now() + opts.budgetMs;
  while (ms.length < opts.repeats && (ms.length < minSamples || performance.now() < stopAt)) {
    resetConsumed();
    const started = performance.now();
    const out = await call();
    ms.push(performance.now() - started);
    reads.push(consumed.readUnits);
    writes.push(consumed.writeUnits);
    if (out.ok) rows = out.rows;
    else errors++;
  }
  const p = (xs: number[], at: number) =>
    round(
      percentile(
        [...xs].sort((a, b) => a - b),
        at,
      ),
    );
  return {
    n: ms.length,
    p50Ms: p(ms, 50),
    p95Ms: p(ms, 95),
    readUnits: p(reads, 50),
    writeUnits: p(writes, 50),
    rows,
    errors,
  };
}

/** Resolves once this process has sent no DynamoDB request for 2 s. */
async function settled(): Promise<void> {
  for (let seen = -1; consumed.reads + consumed.writes !== seen; ) {
    seen = consumed.reads + consumed.writes;
    await new Promise((r) => setTimeout(r, 2000));
  }
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
    `  scheduled jobs after seeding: ${f.schedules.ms} ms ${JSON.stringify(f.schedules.results)}`,
    ...Object.values(f.queries).map(
      (q) =>
        `  ${q.user} GET ${q.path}: ${timedLine(q)}; first call ${q.first.ms} ms, ${q.first.readUnits} RCU + ${q.first.writeUnits} WCU`,
    ),
    ...Object.values(f.failed).map(
      (q) =>
        `  ${q.user} GET ${q.path}: ${q.answer} after ${q.ms} ms (the whole report read ${q.readUnits} RCU)${q.direct ? `; in-process ${timedLine(q.direct)}` : ''}`,
    ),
    ...Object.entries(f.skipped).map(([name, why]) => `  skipped ${name}: ${why}`),
  ];
}

const timedLine = (t: Timed) =>
  `p50 ${t.p50Ms} ms, p95 ${t.p95Ms} ms, ${t.readUnits} RCU + ${t.writeUnits} WCU/call, ${t.rows} rows (n=${t.n}${t.errors ? `, ${t.errors} failed` : ''})`;

const round = (x: number) => Math.round(x * 10) / 10;
