/**
 * The drills: cases driven through the API under every injected fault, and a kill -9 of the whole runtime in the
 * middle of filings and decisions followed by a restart on the same data directory. Each ends with the invariant
 * check over every case. `npm run drill` runs them at full size (bench/drill.ts); the tests run a short form.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { systemClock } from '../../functions/commons/clock.ts';
import { type Faults, parseFaults } from '../../local/faults.ts';
import { type Runtime, startRuntime } from '../../local/runtime.ts';
import { validHousehold } from '../support/fixtures.ts';
import { caller, type DriveStats, driveCases, emptyStats } from './driver.ts';
import { fuzzHttpEdge, writeRecorder } from './fuzz.ts';
import { checkInvariants, type InvariantReport, waitForQuiet } from './invariants.ts';

/** Every fault kind at once, at the rates the issue names. */
export const ALL_FAULTS =
  'step-crash-after-write:0.1,ddb-throttle:0.05,callback-duplicate:0.2,callback-late:0.1';
const START_AT = Date.parse('2026-11-02T09:00:00+08:00');

export interface DrillResult {
  drill: string;
  cases: number;
  faultsInjected: Record<string, number>;
  violations: InvariantReport['violations'];
  byStatus: Record<string, number>;
  drive: Omit<DriveStats, 'acknowledged'>;
  [extra: string]: unknown;
}

/** The invariants over every case of `rt`'s table, with its engine's view of the executions. */
export const invariantsOf = (rt: Runtime) =>
  checkInvariants({
    dynamoDbEndpoint: rt.dynamoDbEndpoint,
    tableName: process.env.TABLE_NAME!,
    engine: rt.engine,
  });

const withoutIds = ({ acknowledged: _, ...rest }: DriveStats) => rest;

/** `cases` cases driven under `faults` (default: every kind), then the invariants. */
export async function faultDrill(opts: {
  cases: number;
  seed: number;
  faults?: string;
  concurrency?: number;
  /** called with the runtime before it stops (tests probe the checker on it) */
  inspect?: (rt: Runtime) => Promise<void>;
}) {
  const faults = parseFaults(opts.faults ?? ALL_FAULTS, opts.seed) as Faults;
  const rt = await startRuntime({ port: 0, timeScale: 1, startAt: START_AT, faults });
  try {
    const drive = await driveCases({
      baseUrl: rt.url,
      count: opts.cases,
      firstHousehold: 10_000,
      seed: opts.seed,
      concurrency: opts.concurrency,
    });
    await waitForQuiet(rt.engine);
    const report = await invariantsOf(rt);
    await opts.inspect?.(rt);
    return {
      drill: 'faults',
      cases: report.cases,
      faultsInjected: { ...faults.injected },
      violations: report.violations,
      byStatus: report.byStatus,
      drive: withoutIds(drive),
    } satisfies DrillResult;
  } finally {
    await rt.stop();
  }
}

/** The processes whose parent is `pid` (Linux /proc). */
async function childrenOf(pid: number): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** `npm start` as a child process (node + tsx, so the pid is the runtime itself), resolving with its API URL. */
async function startChild(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve('local/main.ts')], {
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, TIME_SCALE: '1', FAULTS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`runtime did not start in 240 s:\n${output}`)), 240_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /API:\s+(http:\/\/127\.0\.0\.1:\d+)\/api/.exec(output);
      if (m) {
        clearTimeout(timer);
        done(m[1]!);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => fail(new Error(`runtime exited (${code}) while starting:\n${output}`)));
  });
  return { child, url };
}

/**
 * Files and decides `cases` cases against a runtime in a child process, kills it with SIGKILL once `killAfter` of
 * them were acknowledged (decisions still in flight), checks that nothing of it survives (its DynamoDB Local JVM
 * dies with it), restarts on the same data directory, waits for the resumed cases to settle, and checks the
 * invariants, that the simulated clock did not run backwards, and how many acknowledged filings DynamoDB Local lost.
 */
export async function killDrill(opts: { cases: number; killAfter: number; seed: number }) {
  const dataDir = await mkdtemp(join(tmpdir(), 'aa-drill-kill-'));
  try {
    const { child, url } = await startChild(dataDir);
    const javaPids = await childrenOf(child.pid!);
    const stats = emptyStats();
    const abort = new AbortController();
    const driving = driveCases({
      baseUrl: url,
      count: opts.cases,
      firstHousehold: 20_000,
      seed: opts.seed,
      stats,
      signal: abort.signal,
    }).catch(() => stats); // the kill breaks the requests in flight
    const started = Date.now();
    while (stats.filed < opts.killAfter && Date.now() - started < 600_000) {
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    abort.abort();
    await once(child, 'exit');
    await driving;
    const deadline = Date.now() + 15_000;
    while (javaPids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const survivors = javaPids.filter(alive);
    for (const pid of survivors) process.kill(pid, 'SIGKILL'); // never leave one behind, even when the drill fails

    const rt = await startRuntime({ port: 0, dataDir, timeScale: 1 });
    try {
      const resumedAt = systemClock.now();
      await waitForQuiet(rt.engine);
      const report = await invariantsOf(rt);
      const { DynamoDBDocumentClient, GetCommand } = await import('@aws-sdk/lib-dynamodb');
      const { localDynamoDbClient } = await import('../../local/dynamodb.ts');
      const { keys } = await import('../../functions/store/keys.ts');
      const client = localDynamoDbClient(rt.dynamoDbEndpoint);
      const doc = DynamoDBDocumentClient.from(client);
      let lost = 0;
      for (const caseId of stats.acknowledged) {
        const out = await doc.send(
          new GetCommand({
            TableName: process.env.TABLE_NAME!,
            Key: keys.case(caseId),
            ConsistentRead: true,
          }),
        );
        if (!out.Item) lost++;
      }
      client.destroy();
      const violations = [...report.violations];
      if (survivors.length) {
        violations.push({
          rule: 'survivor',
          detail: `DynamoDB Local JVM ${survivors.join(', ')} outlived kill -9`,
        });
      }
      const clockBackwardsMs = Math.max(0, stats.lastTime - resumedAt);
      if (clockBackwardsMs > 0) {
        violations.push({
          rule: 'clock_backwards',
          detail: `restarted ${clockBackwardsMs} ms before a time handed out`,
        });
      }
      return {
        drill: 'kill-9',
        cases: report.cases,
        faultsInjected: { 'kill-9': 1 },
        violations,
        byStatus: report.byStatus,
        drive: withoutIds(stats),
        acknowledgedLost: lost,
        jvmSurvived: survivors.length,
        clockBackwardsMs,
      } satisfies DrillResult;
    } finally {
      await rt.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The HTTP fuzz against a fresh runtime holding a few cases with open tasks (their ids among the inputs). */
export async function fuzzDrill(opts: { runsPerRoute: number; seed: number }) {
  const recorder = writeRecorder();
  const rt = await startRuntime({ port: 0, timeScale: 1, startAt: START_AT, onWrite: recorder.onWrite });
  try {
    const applicant = await caller(rt.url, 'applicant');
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) {
      const filed = await applicant.call('POST', '/api/cases', {
        procedure: 'identification',
        household: validHousehold(30_000 + n),
      });
      ids.push(String(filed.body.caseId));
    }
    for (const caseId of [...ids]) {
      for (let tries = 0; tries < 200; tries++) {
        const c = (await applicant.call('GET', `/api/cases/${caseId}`)).body;
        if (c.openTaskId) {
          ids.push(String(c.openTaskId));
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const report = await fuzzHttpEdge({
      runtime: rt,
      recorder,
      runsPerRoute: opts.runsPerRoute,
      seed: opts.seed,
      ids,
    });
    return { drill: 'http-fuzz', ...report };
  } finally {
    await rt.stop();
  }
}
