/**
 * Drives identification cases through the HTTP API as a county would, for drills: each case is filed, then
 * its open task is decided (mostly approved; now and then returned and supplemented, rejected, or the case
 * withdrawn) until it ends or reaches publicity. It reads where each case stands before every move, so it keeps
 * going whatever faults, retries or restarts did meanwhile. Plain fetch, no test framework: the drill runs it too.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { approval } from '../support/decisions.ts';
import { validHousehold } from '../support/fixtures.ts';

export interface DriveStats {
  /** filings answered 201 */
  filed: number;
  /** their case ids */
  acknowledged: string[];
  decisions: number;
  supplements: number;
  withdrawals: number;
  /** API answers ≥ 500 the driver retried past (a throttle the SDK could not outlast, a drill restart) */
  serverErrors: number;
  /** cases that ended the drive in `error` */
  errored: number;
  /** the latest case time (`updatedAt`) any answer showed: the clock must never restart behind it */
  lastTime: number;
}

export const emptyStats = (): DriveStats => ({
  filed: 0,
  acknowledged: [],
  decisions: 0,
  supplements: 0,
  withdrawals: 0,
  serverErrors: 0,
  errored: 0,
  lastTime: 0,
});

type Json = Record<string, unknown>;

/** One logged-in user of the API. */
export interface Caller {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>;
}

/** Logs `username` in (password "demo") against `baseUrl`. */
export async function caller(baseUrl: string, username: string): Promise<Caller> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'demo' }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  const { token } = (await res.json()) as { token: string };
  return {
    async call(method, path, body) {
      const answer = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await answer.text();
      return { status: answer.status, body: text ? (JSON.parse(text) as Json) : {} };
    },
  };
}

const REVIEWER = {
  village_review: 'village',
  township_verification: 'township',
  county_approval: 'county',
} as const;
type ReviewStage = keyof typeof REVIEWER;
const ENDED = new Set(['enrolled', 'rejected', 'withdrawn', 'risk_eliminated', 'error']);

/**
 * Files `count` cases (households `firstHousehold`…) and drives them, `concurrency` at a time, with moves drawn
 * from `seed`. `stats` is filled as it goes, so a caller that kills the runtime mid-drive still reads what was
 * acknowledged. Resolves when every case ended, reached publicity, or `caseTimeoutMs` passed on it.
 */
export async function driveCases(opts: {
  baseUrl: string;
  count: number;
  firstHousehold: number;
  seed: number;
  concurrency?: number;
  caseTimeoutMs?: number;
  stats?: DriveStats;
  /** stops starting new cases and moves (a drill about to kill the runtime) */
  signal?: AbortSignal;
}): Promise<DriveStats> {
  const stats = opts.stats ?? emptyStats();
  const users = Object.fromEntries(
    await Promise.all(
      ['applicant', 'village', 'township', 'county'].map(
        async (u) => [u, await caller(opts.baseUrl, u)] as const,
      ),
    ),
  ) as Record<'applicant' | 'village' | 'township' | 'county', Caller>;
  const rng = xoroshiro128plus(opts.seed);
  let next = 0;
  const worker = async () => {
    while (next < opts.count && !opts.signal?.aborted) {
      const n = next++;
      await driveOne(n, uniformFloat64(rng));
    }
  };

  /** Retries an answer ≥ 500 a few times, as a client would; 409 and 4xx are answers, not failures. */
  const send = async (who: Caller, method: string, path: string, body?: unknown) => {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await who.call(method, path, body);
        const at = Date.parse(String(res.body.updatedAt));
        if (at > stats.lastTime) stats.lastTime = at;
        if (res.status < 500 || attempt === 4) {
          if (res.status >= 500) stats.serverErrors++;
          return res;
        }
        stats.serverErrors++;
      } catch (error) {
        if (attempt === 4 || opts.signal?.aborted) throw error;
      }
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  };

  const driveOne = async (n: number, draw: number) => {
    const household = validHousehold(opts.firstHousehold + n);
    const filed = await send(users.applicant, 'POST', '/api/cases', {
      procedure: 'identification',
      household,
    });
    if (filed.status !== 201) return;
    const caseId = String(filed.body.caseId);
    stats.filed++;
    stats.acknowledged.push(caseId);
    // each case's moves: returned at most once, at the stage its draw names; rejected or withdrawn now and then
    const returnAt = draw < 0.15 ? 'village_review' : draw < 0.25 ? 'township_verification' : undefined;
    const rejectAt = draw > 0.93 ? 'county_approval' : draw > 0.88 ? 'village_review' : undefined;
    const withdrawAt = draw > 0.8 && draw <= 0.88 ? 'township_verification' : undefined;
    let returned = false;
    let supplements = 0;
    const until = Date.now() + (opts.caseTimeoutMs ?? 120_000);
    while (Date.now() < until && !opts.signal?.aborted) {
      const seen = await send(users.applicant, 'GET', `/api/cases/${caseId}`);
      const c = seen.body as { status?: string; stage?: ReviewStage | 'publicity'; openTaskId?: string };
      if (seen.status !== 200 || !c.status) return;
      if (ENDED.has(c.status) || !((c.stage ?? '') in REVIEWER)) {
        if (c.status === 'error') stats.errored++;
        return;
      }
      if (c.status === 'returned') {
        // numbered: two supplements of a case never read alike, so a duplicated record is a replayed write
        supplements++;
        const res = await send(users.applicant, 'POST', `/api/cases/${caseId}/supplements`, {
          note: `已补充户口簿复印件（第 ${n} 户，第 ${supplements} 次）`,
        });
        if (res.status === 200) stats.supplements++;
        continue;
      }
      const stage = c.stage as ReviewStage;
      if (!c.openTaskId || !(stage in REVIEWER)) {
        await new Promise((r) => setTimeout(r, 150));
        continue;
      }
      if (stage === withdrawAt) {
        const res = await send(users.applicant, 'POST', `/api/cases/${caseId}/withdraw`, {
          reason: `家庭情况好转，申请撤回（第 ${n} 户）`,
        });
        if (res.status === 200) stats.withdrawals++;
        continue;
      }
      const body =
        stage === returnAt && !returned
          ? { decision: 'return', comment: `请补充材料（第 ${n} 户）`, missing: ['户口簿复印件'] }
          : stage === rejectAt
            ? { ...approval(stage), decision: 'reject', reason: `收入高于监测标准（第 ${n} 户）` }
            : approval(stage);
      const res = await send(users[REVIEWER[stage]], 'POST', `/api/tasks/${c.openTaskId}/decision`, body);
      if (res.status === 200) {
        stats.decisions++;
        if (body.decision === 'return') returned = true;
      } else if (res.status !== 409) {
        // 409: decided already (a retried call that had landed) or the task moved on; read again
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  return stats;
}
