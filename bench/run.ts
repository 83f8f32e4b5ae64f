/**
 * `npm run bench`: N identification cases (BENCH_CASES, default 1000) driven through the full path on the local
 * runtime over real HTTP, plus the raw TransactWriteItems/s of the same DynamoDB Local, so throughput reads as a
 * share of that ceiling; then the query latencies at realistic volume (bench/volume.ts: BENCH_SEED_CASES cases,
 * default 100 000; 0 skips it); then the console in Chromium with its CPU throttled 4× (bench/console.ts:
 * BENCH_CONSOLE_CASES seeded for the dashboard, default 10 000; 0 skips it). BENCH_CASES=0 skips the end-to-end
 * part. Prints figures, then one JSON line with all of them.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../functions/commons/clients.ts';
import { systemClock } from '../functions/commons/clock.ts';
import { consumed, resetConsumed } from '../functions/store/capacity.ts';
import { startRuntime } from '../local/runtime.ts';
import { validHousehold } from '../test/support/fixtures.ts';
import { type ApiClient, login } from '../test/support/runtime.ts';
import { approval } from '../test/support/scenario.ts';
import { consoleBench, consoleLines } from './console.ts';
import { AWS_PRICES, costPerCase } from './prices.ts';
import { Timings } from './stats.ts';
import { volumeBench, volumeLines } from './volume.ts';

const N = Number(process.env.BENCH_CASES ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const SEED_CASES = Number(process.env.BENCH_SEED_CASES ?? 100_000);
/** Cases seeded for the console's dashboard figure (bench/console.ts); 0 skips the console part. */
const CONSOLE_CASES = Number(process.env.BENCH_CONSOLE_CASES ?? 10_000);
/** 5 simulated days of publicity in ~5 real seconds; a stage's 3 working days in ≥ 3 s. */
const TIME_SCALE = 86_400;
const STAGES: [string, string][] = [
  ['village', 'village_review'],
  ['township', 'township_verification'],
  ['county', 'county_approval'],
];

const timings = new Timings();
const simNow = () => systemClock.now();

/** A client that records each call's latency under its route. */
function timed(c: ApiClient): ApiClient {
  const wrap = (method: 'get' | 'post') => async (path: string, body?: unknown) => {
    const t = performance.now();
    const res = await (method === 'get' ? c.get(path) : c.post(path, body));
    timings.add(`${method.toUpperCase()} ${routeOf(path)}`, performance.now() - t);
    return res;
  };
  return { get: wrap('get'), post: wrap('post') } as ApiClient;
}

const routeOf = (path: string) =>
  path
    .split('?')[0]!
    .replace(/\/api\/cases\/[^/]+/, '/api/cases/{caseId}')
    .replace(/\/api\/tasks\/[^/]+/, '/api/tasks/{taskId}');

/** Polls with backoff (25 ms doubling to 400 ms), as a reviewer refreshing would, without flooding the API. */
async function until<T>(probe: () => Promise<T | undefined>, what: string, firstDelayMs = 25): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (let delay = firstDelayMs; ; delay = Math.min(400, delay * 2)) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `work` on every item of `items` with at most `concurrency` at a time. */
async function eachLimited<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/**
 * N cases driven as real clients would: the applicant files them; each reviewer works their inbox — one page of
 * the stage's open tasks, every task not yet taken claimed and decided, the page read again (with backoff while
 * it has nothing new) — and after the county decision the applicant looks at the case once, comes back when its
 * publicity should be over, and looks until it is enrolled. No client polls a case every few milliseconds.
 */
async function driveCases(users: Record<string, ApiClient>, n: number): Promise<void> {
  const enrolments: Promise<void>[] = [];
  const deadline = Date.now() + 1_200_000;
  const filing = eachLimited(
    Array.from({ length: n }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      const created = await users.applicant!.post<{ caseId: string }>('/api/cases', {
        procedure: 'identification',
        household: validHousehold(10_000 + i),
      });
      if (created.status !== 201) throw new Error(`file: ${created.status} ${JSON.stringify(created.body)}`);
    },
  );
  const reviewing = STAGES.map(async ([user, stage]) => {
    const reviewer = users[user]!;
    const taken = new Set<string>();
    for (let idle = 25; taken.size < n; ) {
      const page = await reviewer.get<{ items: { taskId: string; caseId: string }[] }>(
        `/api/tasks?stage=${stage}&limit=100`,
      );
      if (page.status !== 200) throw new Error(`inbox ${stage}: ${page.status} ${JSON.stringify(page.body)}`);
      const fresh = page.body.items.filter((t) => !taken.has(t.taskId));
      if (!fresh.length) {
        if (Date.now() > deadline)
          throw new Error(`bench: ${stage} tasks stopped coming (${taken.size} of ${n})`);
        await sleep(idle);
        idle = Math.min(400, idle * 2);
        continue;
      }
      idle = 25;
      for (const t of fresh) taken.add(t.taskId);
      await eachLimited(fresh, CONCURRENCY, async (t) => {
        const claimed = await reviewer.post(`/api/tasks/${t.taskId}/claim`);
        if (claimed.status !== 200)
          throw new Error(`claim ${stage}: ${claimed.status} ${JSON.stringify(claimed.body)}`);
        const res = await reviewer.post(`/api/tasks/${t.taskId}/decision`, approval(stage));
        if (res.status !== 200) throw new Error(`decide ${stage}: ${res.status} ${JSON.stringify(res.body)}`);
        if (stage === 'county_approval') enrolments.push(enrolment(users.applicant!, t.caseId));
      });
    }
  });
  await Promise.all([filing, ...reviewing]);
  await Promise.all(enrolments);
}

/** The applicant's view after the county decision: publicity lasts 5 simulated days; look again when it is over. */
async function enrolment(applicant: ApiClient, caseId: string): Promise<void> {
  const inPublicity = await applicant.get<{ publicityEndsAt?: string }>(`/api/cases/${caseId}`);
  const endsAt = inPublicity.body.publicityEndsAt ? Date.parse(inPublicity.body.publicityEndsAt) : 0;
  await sleep(Math.max(0, (endsAt - simNow()) / TIME_SCALE));
  await until(async () => {
    const c = await applicant.get<{ status: string }>(`/api/cases/${caseId}`);
    return c.body.status === 'enrolled' ? true : undefined;
  }, `enrolment of ${caseId}`);
}

/** Raw TransactWriteItems/s (an update + a put, like a case step) against the same DynamoDB Local. */
async function rawTransactWrites(count: number, concurrency: number): Promise<number> {
  const doc = documentClient();
  const table = process.env.TABLE_NAME!;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: { pk: `BENCH#${i % 97}`, sk: `#${i}`, n: i },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              { Put: { TableName: table, Item: { pk: `BENCHLOG#${i}`, sk: '#', n: i } } },
            ],
          }),
        );
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/** The end-to-end part: prints its figures and returns them. */
async function endToEnd() {
  const rt = await startRuntime({
    port: 0,
    timeScale: TIME_SCALE,
    startAt: Date.parse('2026-11-02T09:00:00+08:00'),
  });
  try {
    const users: Record<string, ApiClient> = {};
    for (const u of ['applicant', 'village', 'township', 'county']) users[u] = timed(await login(rt.url, u));

    const ddbCeiling = await rawTransactWrites(Math.min(2000, N * 2), CONCURRENCY);
    resetConsumed();
    const engineBefore = rt.engine.stats();
    const lambdaBefore = { invocations: rt.lambdaStats.invocations, totalMs: rt.lambdaStats.totalMs };
    const byEntryBefore = { ...rt.lambdaStats.byEntry };
    const started = performance.now();
    await driveCases(users, N);
    const seconds = (performance.now() - started) / 1000;
    const engine = rt.engine.stats();
    const transitions = (engine.transitions - engineBefore.transitions) / N;
    const invocations = (rt.lambdaStats.invocations - lambdaBefore.invocations) / N;
    /** Invocations per case of the handlers under `dir` (functions/steps/: the workflow's; functions/api/: the API's). */
    const invocationsUnder = (dir: string) =>
      Object.entries(rt.lambdaStats.byEntry)
        .filter(([entry]) => entry.startsWith(dir))
        .reduce((sum, [entry, count]) => sum + count - (byEntryBefore[entry] ?? 0), 0) / N;
    const avgLambdaMs = (rt.lambdaStats.totalMs - lambdaBefore.totalMs) / (invocations * N);
    const apiRequests = timings.count() / N;
    const figures = {
      cases: N,
      concurrency: CONCURRENCY,
      seconds: round(seconds),
      casesPerSecond: round(N / seconds),
      ddbTransactWritesPerSecond: round(ddbCeiling),
      transactWritesPerSecondDuringRun: round(consumed.writes / seconds),
      shareOfDdbCeiling: round(consumed.writes / seconds / ddbCeiling),
      transitionsPerCase: round(transitions),
      lambdaInvocationsPerCase: round(invocations),
      stepInvocationsPerCase: round(invocationsUnder('functions/steps/')),
      apiInvocationsPerCase: round(invocationsUnder('functions/api/')),
      avgLambdaMs: round(avgLambdaMs),
      apiRequestsPerCase: round(apiRequests),
      writeUnitsPerCase: round(consumed.writeUnits / N),
      readUnitsPerCase: round(consumed.readUnits / N),
      latencyMs: timings.summary(),
      costPerCaseUsd: 0,
    };
    figures.costPerCaseUsd = costPerCase({
      transitions,
      lambdaInvocations: invocations,
      lambdaGbSeconds: (invocations * Math.max(1, avgLambdaMs) * 0.5) / 1000,
      writeUnits: figures.writeUnitsPerCase,
      readUnits: figures.readUnitsPerCase,
      apiRequests,
    });

    console.log(
      `identification: ${N} cases end to end in ${figures.seconds} s → ${figures.casesPerSecond} cases/s`,
    );
    console.log(
      `DynamoDB Local raw TransactWriteItems: ${figures.ddbTransactWritesPerSecond}/s; during the run ${figures.transactWritesPerSecondDuringRun}/s (${Math.round(figures.shareOfDdbCeiling * 100)}% of the ceiling)`,
    );
    console.log(
      `per case: ${figures.transitionsPerCase} state transitions, ${figures.lambdaInvocationsPerCase} Lambda invocations (${figures.stepInvocationsPerCase} steps, ${figures.apiInvocationsPerCase} API; avg ${figures.avgLambdaMs} ms), ${figures.apiRequestsPerCase} API requests, ${figures.writeUnitsPerCase} WCU, ${figures.readUnitsPerCase} RCU`,
    );
    for (const [route, s] of Object.entries(figures.latencyMs))
      console.log(`  ${route}: p50 ${s.p50} ms, p95 ${s.p95} ms (n=${s.n})`);
    console.log(`AWS list-price cost per case: $${figures.costPerCaseUsd.toFixed(6)} (${AWS_PRICES.source})`);
    return figures;
  } finally {
    await rt.stop();
  }
}

async function main(): Promise<void> {
  const figures = N > 0 ? await endToEnd() : {};
  const volume =
    SEED_CASES > 0
      ? await volumeBench({
          cases: SEED_CASES,
          repeats: Number(process.env.BENCH_QUERY_REPEATS ?? 30),
          budgetMs: Number(process.env.BENCH_QUERY_BUDGET_S ?? 60) * 1000,
          concurrency: Number(process.env.BENCH_SEED_CONCURRENCY ?? 8),
          snapshot: process.env.BENCH_VOLUME_SNAPSHOT || undefined,
          log: (line) => console.log(line),
        })
      : undefined;
  if (volume) for (const line of volumeLines(volume)) console.log(line);
  const web =
    CONSOLE_CASES > 0
      ? await consoleBench({
          cases: CONSOLE_CASES,
          repeats: Number(process.env.BENCH_CONSOLE_REPEATS ?? 5),
          log: (line) => console.log(line),
        })
      : undefined;
  if (web) for (const line of consoleLines(web)) console.log(line);
  console.log(
    JSON.stringify({ ...figures, ...(volume ? { volume } : {}), ...(web ? { console: web } : {}) }),
  );
}

const round = (x: number) => Math.round(x * 100) / 100;

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
