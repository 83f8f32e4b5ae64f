/**
 * `npm run bench`: N identification cases (BENCH_CASES, default 1000) driven through the full path on the local
 * runtime over real HTTP, then the same households' risk-elimination proposals (a measure implemented, six months
 * passed) driven to `risk_eliminated`, each procedure with its per-case figures; plus the raw TransactWriteItems/s of the same DynamoDB Local, so throughput reads as a
 * share of that ceiling; then the query latencies at realistic volume (bench/volume.ts: BENCH_SEED_CASES cases,
 * default 100 000; 0 skips it); then the console in Chromium with its CPU throttled 4× (bench/console.ts:
 * BENCH_CONSOLE_CASES seeded for the dashboard, default 10 000; 0 skips it). BENCH_CASES=0 skips the end-to-end
 * part. Prints figures, then one JSON line with all of them.
 */
import { availableParallelism } from 'node:os';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../functions/commons/clients.ts';
import { systemClock } from '../functions/commons/clock.ts';
import { DAY_MS, localDate } from '../functions/core/time.ts';
import { consumed, resetConsumed } from '../functions/store/capacity.ts';
import { type Runtime, startRuntime } from '../local/runtime.ts';
import { validHousehold } from '../test/support/fixtures.ts';
import { type ApiClient, login } from '../test/support/runtime.ts';
import { approval } from '../test/support/scenario.ts';
import { consoleBench, consoleLines } from './console.ts';
import { AWS_PRICES, costPerCase } from './prices.ts';
import { replayCeiling, writeRecorder } from './replay.ts';
import { cpuMeter, sum, Timings } from './stats.ts';
import { volumeBench, volumeLines } from './volume.ts';

const N = Number(process.env.BENCH_CASES ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const SEED_CASES = Number(process.env.BENCH_SEED_CASES ?? 100_000);
/** Cases seeded for the console's dashboard figure (bench/console.ts); 0 skips the console part. */
const CONSOLE_CASES = Number(process.env.BENCH_CONSOLE_CASES ?? 10_000);
/**
 * While reviewers work, one simulated minute per real second: a run of thousands of cases takes a few simulated
 * hours, so no task falls due and escalates because the bench, not a reviewer, was slow.
 */
const REVIEW_TIME_SCALE = 60;
/** Once every decision is made, 5 simulated days of publicity pass in ~5 real seconds (and 185 days in ~185 s). */
const WAIT_TIME_SCALE = 86_400;
/** Cases driven one request at a time for the handlers' unloaded durations, which price the Lambda time. */
const UNLOADED_CASES = 5;
/** Every function's memory (infra: 512 MB). */
const LAMBDA_GB = 0.5;
/** TransactWriteItems sent for DynamoDB Local's raw ceiling: enough for its JIT to warm up at any BENCH_CASES. */
const CEILING_TRANSACTIONS = 2000;
const STAGES: [string, string][] = [
  ['village', 'village_review'],
  ['township', 'township_verification'],
  ['county', 'county_approval'],
];

let timings = new Timings();
const simNow = () => systemClock.now();

/** A client that records each call's latency under its route. */
function timed(c: ApiClient): ApiClient {
  const time = async <R>(method: string, path: string, call: Promise<R>): Promise<R> => {
    const t = performance.now();
    const res = await call;
    timings.add(`${method} ${routeOf(path)}`, performance.now() - t);
    return res;
  };
  return {
    get: (path) => time('GET', path, c.get(path)),
    post: (path, body) => time('POST', path, c.post(path, body)),
    put: (path, body) => time('PUT', path, c.put(path, body)),
    patch: (path, body) => time('PATCH', path, c.patch(path, body)),
  };
}

const routeOf = (path: string) =>
  path
    .split('?')[0]!
    .replace(/\/api\/cases\/[^/]+/, '/api/cases/{caseId}')
    .replace(/\/measures\/[^/]+/, '/measures/{measureId}')
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

/** What a phase files and how its cases end: identification cases enrol, proposals end a household's monitoring. */
interface Procedure {
  /** files case `i` (as its applicant or village cadre would), returns nothing: reviewers find it in their inboxes */
  file: (i: number) => Promise<void>;
  /** the body that approves at `stage` */
  approval: (stage: string) => unknown;
  /** the status a case of the procedure ends in once its publicity has passed */
  endsAs: string;
}

/** Identification: households `first`, `first + 1`, … filed by the applicant; `filed` told each case's id. */
function identificationCases(
  applicant: ApiClient,
  first: number,
  filed?: (caseId: string) => void,
): Procedure {
  return {
    file: async (i) => {
      const created = await applicant.post<{ caseId: string }>('/api/cases', {
        procedure: 'identification',
        household: validHousehold(first + i),
      });
      if (created.status !== 201) throw new Error(`file: ${created.status} ${JSON.stringify(created.body)}`);
      filed?.(created.body.caseId);
    },
    approval,
    endsAs: 'enrolled',
  };
}

/**
 * N cases driven as real clients would: they are filed; each reviewer works their inbox — one page of the
 * stage's open tasks, every task not yet taken claimed and decided, the page read again (with backoff while it has
 * nothing new) — and once the county has decided them all, simulated time speeds up and the applicant looks at each
 * case once, comes back when the last publicity should be over, and looks until each has ended. No client polls a
 * case every few milliseconds, and no client has more than `concurrency` requests in flight.
 */
async function driveCases(
  rt: Runtime,
  users: Record<string, ApiClient>,
  n: number,
  p: Procedure,
  concurrency = CONCURRENCY,
): Promise<void> {
  const decided: string[] = [];
  const deadline = Date.now() + 1_200_000;
  const filing = eachLimited(
    Array.from({ length: n }, (_, i) => i),
    concurrency,
    p.file,
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
      await eachLimited(fresh, concurrency, async (t) => {
        const claimed = await reviewer.post(`/api/tasks/${t.taskId}/claim`);
        if (claimed.status !== 200)
          throw new Error(`claim ${stage}: ${claimed.status} ${JSON.stringify(claimed.body)}`);
        const res = await reviewer.post(`/api/tasks/${t.taskId}/decision`, p.approval(stage));
        if (res.status !== 200) throw new Error(`decide ${stage}: ${res.status} ${JSON.stringify(res.body)}`);
        if (stage === 'county_approval') decided.push(t.caseId);
      });
    }
  });
  await Promise.all([filing, ...reviewing]);
  rt.setTimeScale(WAIT_TIME_SCALE);
  await publicityPassed(users.applicant!, decided, p.endsAs, concurrency);
  rt.setTimeScale(REVIEW_TIME_SCALE);
}

/**
 * The applicant's view after the county decisions: each case read once for its publicity's end (5 simulated days
 * on), read again when the last should be over, and until it reads `status`.
 */
async function publicityPassed(
  applicant: ApiClient,
  caseIds: readonly string[],
  status: string,
  concurrency: number,
): Promise<void> {
  let lastEnd = 0;
  await eachLimited(caseIds, concurrency, async (caseId) => {
    const c = await applicant.get<{ publicityEndsAt?: string }>(`/api/cases/${caseId}`);
    lastEnd = Math.max(lastEnd, c.body.publicityEndsAt ? Date.parse(c.body.publicityEndsAt) : 0);
  });
  await sleep(Math.max(0, (lastEnd - simNow()) / WAIT_TIME_SCALE));
  await eachLimited(caseIds, concurrency, async (caseId) => {
    await until(async () => {
      const c = await applicant.get<{ status: string }>(`/api/cases/${caseId}`);
      return c.body.status === status ? true : undefined;
    }, `${caseId} to be ${status}`);
  });
}

/**
 * DynamoDB Local's raw TransactWriteItems/s: `count` transactions of two small puts (one conditional) against the
 * same table, `concurrency` at a time, nothing between client and database.
 */
async function rawTransactWrites(count: number, concurrency: number, prefix: string): Promise<number> {
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
                  Item: { pk: `${prefix}#${i % 97}`, sk: `#${i}`, n: i },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              { Put: { TableName: table, Item: { pk: `${prefix}LOG#${i}`, sk: '#', n: i } } },
            ],
          }),
        );
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/** The per-case figures of one procedure's run: what the engine, the functions and DynamoDB did, and the cost. */
type PhaseFigures = Awaited<ReturnType<typeof measured>>['figures'];

/** Runs `drive` (n cases of one procedure) and turns what the runtime counted meanwhile into per-case figures. */
async function measured(rt: Runtime, n: number, ddbCeiling: number, drive: () => Promise<void>) {
  timings = new Timings();
  resetConsumed();
  const engineBefore = rt.engine.stats();
  const lambda = lambdaCounter(rt);
  const writes = writeRecorder(documentClient());
  writes.start();
  const cpu = cpuMeter(rt.dynamoDbPid);
  const started = performance.now();
  await drive();
  const seconds = (performance.now() - started) / 1000;
  const busy = cpu();
  const sent = writes.stop();
  const replay = await replayCeiling(sent, CONCURRENCY, rt.dynamoDbPid);
  const engine = rt.engine.stats();
  const transitions = (engine.transitions - engineBefore.transitions) / n;
  const { byEntry, msByEntry } = lambda.since();
  const invocations = sum(Object.values(byEntry)) / n;
  /** Invocations per case of the handlers under `dir` (functions/steps/: the workflow's; functions/api/: the API's). */
  const invocationsUnder = (dir: string) =>
    sum(Object.entries(byEntry).flatMap(([entry, count]) => (entry.startsWith(dir) ? [count] : []))) / n;
  const avgLambdaMs = sum(Object.values(msByEntry)) / (invocations * n);
  const apiRequests = timings.count() / n;
  const figures = {
    cases: n,
    concurrency: CONCURRENCY,
    seconds: round(seconds),
    casesPerSecond: round(n / seconds),
    ddbTransactWritesPerSecond: round(ddbCeiling),
    /** every write request of the run (transactions, puts, updates), per second */
    transactWritesPerSecondDuringRun: round(consumed.writes / seconds),
    shareOfDdbCeiling: round(consumed.writes / seconds / ddbCeiling),
    /** the run's own write requests sent again raw to a fresh table (bench/replay.ts): requests per second */
    replayWritesPerSecond: round(replay.requestsPerSecond),
    replayRefused: replay.refused,
    /** the run's write requests per second against the rate the database takes those very requests at */
    shareOfReplayCeiling: round(sent.length / seconds / replay.requestsPerSecond),
    /** cores busy during the run: this process (API, engine, every handler, the bench's clients) and DynamoDB Local */
    nodeCores: busy.nodeCores,
    dynamoDbCores: busy.dynamoDbCores,
    /** DynamoDB Local's cores busy during the replay */
    replayDynamoDbCores: replay.dynamoDbCores,
    machineCores: availableParallelism(),
    transitionsPerCase: round(transitions),
    lambdaInvocationsPerCase: round(invocations),
    stepInvocationsPerCase: round(invocationsUnder('functions/steps/')),
    apiInvocationsPerCase: round(invocationsUnder('functions/api/')),
    avgLambdaMs: round(avgLambdaMs),
    apiRequestsPerCase: round(apiRequests),
    writeRequestsPerCase: round(consumed.writes / n),
    readRequestsPerCase: round(consumed.reads / n),
    writeUnitsPerCase: round(consumed.writeUnits / n),
    readUnitsPerCase: round(consumed.readUnits / n),
    latencyMs: timings.summary(),
    /** at each handler's unloaded duration (see `unloadedLambdaMs`); set by `priced` */
    avgLambdaMsUnloaded: 0,
    costPerCaseUsd: 0,
    /** the same at the durations of this run, every handler sharing one process with hundreds in flight */
    costPerCaseUsdAtRunDurations: 0,
  };
  /** The cost per case with each handler's invocations lasting `msOf(entry)` (at 512 MB). */
  const costAt = (msOf: (entry: string) => number) =>
    costPerCase({
      transitions,
      lambdaInvocations: invocations,
      lambdaGbSeconds:
        sum(Object.entries(byEntry).map(([entry, count]) => (count / n) * Math.max(1, msOf(entry)))) *
        (LAMBDA_GB / 1000),
      writeUnits: figures.writeUnitsPerCase,
      readUnits: figures.readUnitsPerCase,
      apiRequests,
    });
  const runMs = meanMsByEntry({ byEntry, msByEntry });
  figures.costPerCaseUsdAtRunDurations = costAt((entry) => runMs[entry]!);
  /** Prices the phase at each handler's unloaded duration (a handler never measured unloaded: its run's). */
  const priced = (unloaded: Record<string, number>) => {
    const msOf = (entry: string) => unloaded[entry] ?? runMs[entry]!;
    figures.costPerCaseUsd = costAt(msOf);
    figures.avgLambdaMsUnloaded = round(
      sum(Object.entries(byEntry).map(([entry, count]) => count * msOf(entry))) / (invocations * n),
    );
    return figures;
  };
  return { figures, priced };
}

/** Lambda invocations and their milliseconds by handler module since the counter was made. */
function lambdaCounter(rt: Runtime) {
  const before = { byEntry: { ...rt.lambdaStats.byEntry }, msByEntry: { ...rt.lambdaStats.msByEntry } };
  return {
    since: () => {
      const byEntry: Record<string, number> = {};
      const msByEntry: Record<string, number> = {};
      for (const [entry, count] of Object.entries(rt.lambdaStats.byEntry)) {
        if (count === (before.byEntry[entry] ?? 0)) continue;
        byEntry[entry] = count - (before.byEntry[entry] ?? 0);
        msByEntry[entry] = rt.lambdaStats.msByEntry[entry]! - (before.msByEntry[entry] ?? 0);
      }
      return { byEntry, msByEntry };
    },
  };
}

/**
 * What each handler takes when it is not queued behind hundreds of others in this one process, as each Lambda
 * invocation on AWS is not: UNLOADED_CASES identification cases driven one request at a time; mean ms by handler.
 */
async function unloadedLambdaMs(
  rt: Runtime,
  users: Record<string, ApiClient>,
): Promise<Record<string, number>> {
  const lambda = lambdaCounter(rt);
  await driveCases(rt, users, UNLOADED_CASES, identificationCases(users.applicant!, 60_000), 1);
  return meanMsByEntry(lambda.since());
}

/** Each handler's mean milliseconds a call. */
const meanMsByEntry = ({ byEntry, msByEntry }: ReturnType<ReturnType<typeof lambdaCounter>['since']>) =>
  Object.fromEntries(Object.entries(byEntry).map(([entry, count]) => [entry, msByEntry[entry]! / count]));

function printPhase(title: string, f: PhaseFigures): void {
  console.log(`${title}: ${f.cases} cases end to end in ${f.seconds} s → ${f.casesPerSecond} cases/s`);
  console.log(
    `  DynamoDB Local raw TransactWriteItems: ${f.ddbTransactWritesPerSecond}/s; during the run ${f.transactWritesPerSecondDuringRun} write requests/s (${Math.round(f.shareOfDdbCeiling * 100)}% of the ceiling)`,
  );
  console.log(
    `  the run's own writes replayed raw: ${f.replayWritesPerSecond}/s (${f.replayRefused} refused); the run reached ${Math.round(f.shareOfReplayCeiling * 100)}% of that`,
  );
  console.log(
    `  cores busy (of ${f.machineCores}): during the run this process ${f.nodeCores}, DynamoDB Local ${f.dynamoDbCores ?? '?'}; during the replay DynamoDB Local ${f.replayDynamoDbCores ?? '?'}`,
  );
  console.log(
    `  per case: ${f.transitionsPerCase} state transitions, ${f.lambdaInvocationsPerCase} Lambda invocations (${f.stepInvocationsPerCase} steps, ${f.apiInvocationsPerCase} API; avg ${f.avgLambdaMs} ms), ${f.apiRequestsPerCase} API requests, ${f.writeRequestsPerCase} DynamoDB writes (${f.writeUnitsPerCase} WCU) and ${f.readRequestsPerCase} reads (${f.readUnitsPerCase} RCU)`,
  );
  for (const [route, s] of Object.entries(f.latencyMs))
    console.log(`    ${route}: p50 ${s.p50} ms, p95 ${s.p95} ms (n=${s.n})`);
  console.log(
    `  AWS list-price cost per case: $${f.costPerCaseUsd.toFixed(6)} at the handlers' unloaded durations (avg ${f.avgLambdaMsUnloaded} ms); $${f.costPerCaseUsdAtRunDurations.toFixed(6)} at this run's (${AWS_PRICES.source})`,
  );
}

/** The risk-elimination evidence a household's proposal carries (docs/domain.md). */
const EVIDENCE = {
  incomePerCapita12m: 9800,
  stableIncomeMonths: 8,
  twoAssurancesThreeGuarantees: true,
  safeDrinkingWater: true,
  narrative: '务工收入稳定，两不愁三保障和饮水安全均有保障。',
};

/** A proposal's township verification: two verifiers visit and confirm the evidence. */
const proposalApproval = (stage: string) =>
  stage === 'township_verification'
    ? {
        decision: 'approve',
        comment: '核实无误',
        details: {
          visitDate: localDate(simNow()),
          verifiers: ['王五', '赵六'],
          verifiedIncomePerCapita: 9800,
          evidenceConfirmed: true,
          findings: '入户核实，收入稳定，风险已消除。',
        },
      }
    : approval(stage);

/**
 * Before the proposals: the village cadre records one measure on each enrolled case and marks it implemented the
 * same day (both through the API, outside the measured phase), then the minimum months of enrolment pass.
 */
async function measuresThenMonths(
  rt: Runtime,
  village: ApiClient,
  caseIds: readonly string[],
): Promise<void> {
  await eachLimited(caseIds, CONCURRENCY, async (caseId) => {
    const today = localDate(simNow());
    const created = await village.post<{ measureId: string; version: number }>(
      `/api/cases/${caseId}/measures`,
      {
        type: 'employment',
        description: '推荐到县城工业园区稳定务工',
        responsibleCadre: { name: '王村干' },
        plannedAt: today,
      },
    );
    if (created.status !== 201) throw new Error(`measure: ${created.status} ${JSON.stringify(created.body)}`);
    const done = await village.patch(`/api/cases/${caseId}/measures/${created.body.measureId}`, {
      status: 'implemented',
      implementedAt: today,
      expectedVersion: created.body.version,
    });
    if (done.status !== 200) throw new Error(`implemented: ${done.status} ${JSON.stringify(done.body)}`);
  });
  // six calendar months and a day later, every household is eligible (policy riskElimination.minEnrolledMonths)
  const eligibleAt = simNow() + 185 * DAY_MS;
  rt.setTimeScale(WAIT_TIME_SCALE);
  await sleep((eligibleAt - simNow()) / WAIT_TIME_SCALE);
  rt.setTimeScale(REVIEW_TIME_SCALE);
}

/** The end-to-end part: identification, then risk elimination of the households it enrolled; prints and returns. */
async function endToEnd() {
  const rt = await startRuntime({
    port: 0,
    timeScale: REVIEW_TIME_SCALE,
    startAt: Date.parse('2026-11-02T09:00:00+08:00'),
  });
  try {
    const users: Record<string, ApiClient> = {};
    for (const u of ['applicant', 'village', 'township', 'county']) users[u] = timed(await login(rt.url, u));
    // once to warm DynamoDB Local's JIT up, as the run itself will have, then timed
    await rawTransactWrites(CEILING_TRANSACTIONS, CONCURRENCY, 'WARM');
    const ddbCeiling = await rawTransactWrites(CEILING_TRANSACTIONS, CONCURRENCY, 'BENCH');

    const enrolled: string[] = [];
    const identificationRun = await measured(rt, N, ddbCeiling, () =>
      driveCases(
        rt,
        users,
        N,
        identificationCases(users.applicant!, 10_000, (caseId) => enrolled.push(caseId)),
      ),
    );
    const unloaded = await unloadedLambdaMs(rt, users);
    const identification = identificationRun.priced(unloaded);
    printPhase('identification', identification);

    await measuresThenMonths(rt, users.village!, enrolled);
    const riskEliminationRun = await measured(rt, enrolled.length, ddbCeiling, () =>
      driveCases(rt, users, enrolled.length, {
        file: async (i) => {
          const created = await users.applicant!.post('/api/cases', {
            procedure: 'risk_elimination',
            enrolledCaseId: enrolled[i],
            evidence: EVIDENCE,
          });
          if (created.status !== 201)
            throw new Error(`propose: ${created.status} ${JSON.stringify(created.body)}`);
        },
        approval: proposalApproval,
        endsAs: 'risk_eliminated',
      }),
    );
    const riskElimination = riskEliminationRun.priced(unloaded);
    printPhase('risk elimination', riskElimination);
    return { ...identification, riskElimination };
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
