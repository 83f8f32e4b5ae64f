import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StageOrder } from '../../functions/core/policy.ts';
import {
  after,
  FIRST_STAGE,
  type HumanStage,
  IDENTIFICATION,
  type Route,
  routeOf,
  STAGE_SPECS,
  statusOn,
} from '../../functions/core/procedure.ts';
import type { Runtime } from '../../local/runtime.ts';
import type { CaseStatus, Stage } from '../../schemas/domain.ts';
import type { AuditRecord, TaskView } from '../../schemas/records.ts';
import { validHousehold } from '../support/fixtures.ts';
import { type ApiClient, loginAll, startTestRuntime } from '../support/runtime.ts';
import {
  approval,
  auditOf,
  caseOf,
  decide,
  file,
  inboxOf,
  openTask,
  rejection,
  returnForSupplement,
  reviewerOf,
  sendBack,
  statusReached,
  supplement,
} from '../support/scenario.ts';

/** Publicity (5 days) passes in about 7 s; a stage limit (≥ 3 days) in ≥ 4.3 s, far longer than a decision takes. */
const TIME_SCALE = 60_000;
const ORDER: StageOrder = 'standard';
const RUNS = 8;
/** A failing run names its seed; FC_SEED=<seed> replays the same sequences. */
const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const REVIEWERS = ['village', 'township', 'county', 'village2', 'township2'] as const;

let rt: Runtime;
let users: Record<(typeof REVIEWERS)[number] | 'applicant', ApiClient>;
let seq = 900;

beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: TIME_SCALE });
  users = await loginAll(rt.url, ['applicant', ...REVIEWERS]);
});
afterAll(() => rt?.stop());

type Kind = 'approve' | 'reject' | 'return' | 'send_back';
interface Move {
  decision: Kind;
  to?: HumanStage;
}
interface Step {
  stage: HumanStage;
  move: Move;
}
/** What the pure core says a sequence of decisions leads to. */
interface Expected {
  steps: Step[];
  /** the stages that had a task, in order */
  taskStages: HumanStage[];
  status: CaseStatus;
  stage: Stage;
}

const KINDS: readonly string[] = ['approve', 'reject', 'return', 'send_back'];

/** The moves this test makes that are valid at `stage`: each decision, a send-back once per allowed target. */
function movesAt(stage: HumanStage): Move[] {
  const spec = STAGE_SPECS[stage];
  return spec.decisions
    .filter((d): d is Kind => KINDS.includes(d))
    .flatMap((decision): Move[] =>
      decision === 'send_back' ? spec.sendBackTo.map((to) => ({ decision, to })) : [{ decision }],
    );
}

/**
 * Walks the pure transition functions: each tape entry picks one valid move at the current stage; once the tape
 * runs out every stage approves, so each walk ends. A return is supplemented at once; publicity has no objection.
 */
function expectedOf(tape: readonly number[]): Expected {
  const steps: Step[] = [];
  let route: Route = { target: FIRST_STAGE };
  let stage: Stage = FIRST_STAGE;
  let k = 0;
  while (route.target !== 'end') {
    if (route.target === 'await_supplement') {
      route = { target: route.stage };
      continue;
    }
    stage = route.target;
    if (stage === 'publicity') {
      route = after(IDENTIFICATION, ORDER, stage);
      continue;
    }
    const human = stage as HumanStage;
    const moves = movesAt(human);
    const move: Move = k < tape.length ? moves[tape[k++]! % moves.length]! : { decision: 'approve' };
    steps.push({ stage: human, move });
    route = routeOf(IDENTIFICATION, ORDER, human, move.decision, move.to);
  }
  return { steps, taskStages: steps.map((s) => s.stage), status: statusOn(route), stage };
}

function bodyOf({ stage, move }: Step) {
  if (move.decision === 'approve') return approval(stage);
  if (move.decision === 'reject') return rejection(stage);
  if (move.decision === 'return') return returnForSupplement;
  return sendBack(move.to!);
}

/** Drives the same decisions over HTTP against a new case; returns the case once it reached the status. */
async function drive(expected: Expected, caseIds: string[]) {
  const { caseId } = await file(users.applicant, validHousehold(seq++));
  caseIds.push(caseId);
  for (const step of expected.steps) {
    const reviewer = reviewerOf(users, step.stage);
    const task = await openTask(reviewer, caseId, step.stage);
    await decide(reviewer, task.taskId, bodyOf(step));
    if (step.move.decision === 'return') {
      const res = await supplement(users.applicant, caseId);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  }
  return statusReached(users.applicant, caseId, expected.status, 40_000);
}

/**
 * Of tasks seen open in one observation, those open at one same instant. Reads are not a snapshot (a handoff
 * from one stage to the next can be caught on both sides), so each task is read twice, in two rounds: a task
 * still open in the second round was open throughout, and two such tasks were open together.
 */
async function openTogether(taskIds: string[], stageOf: Map<string, string>): Promise<string[]> {
  const round = () =>
    Promise.all(
      taskIds.map(async (id) => {
        const res = await reviewerOf(users, stageOf.get(id)!).get<TaskView>(`/api/tasks/${id}`);
        return res.body.status !== 'done';
      }),
    );
  const first = await round();
  const second = await round();
  const open = taskIds.filter((_, i) => first[i] && second[i]);
  return open.length > 1 ? open : [];
}

/** One observation of every reviewer's inbox and every case's open task: the violations it confirms. */
async function observe(caseIds: readonly string[]): Promise<string[]> {
  const inboxes = (await Promise.all(REVIEWERS.map((r) => inboxOf(users[r])))).flat();
  const cases = await Promise.all(caseIds.map((id) => caseOf(users.county, id)));
  const violations: string[] = [];
  for (const c of cases) {
    const seen = new Set(inboxes.filter((t) => t.caseId === c.caseId).map((t) => t.taskId));
    if (c.openTaskId) seen.add(c.openTaskId);
    if (seen.size < 2) continue;
    const stageOf = new Map<string, string>(
      c.timeline
        .filter((r: AuditRecord) => r.action === 'task_opened')
        .map((r: AuditRecord) => [r.data!.taskId, r.stage]),
    );
    const together = await openTogether([...seen], stageOf);
    if (together.length) violations.push(`${c.caseId}: ${together.join(', ')} open together`);
  }
  return violations;
}

/** Observes over and over until `done` settles. */
async function observeUntil(done: Promise<unknown>, caseIds: readonly string[]) {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  let observations = 0;
  const violations: string[] = [];
  while (!finished) {
    violations.push(...(await observe(caseIds)));
    observations++;
    // a pause, so the observer does not starve the runs it watches
    await new Promise((r) => setTimeout(r, 150));
  }
  return { observations, violations };
}

/** Every task the trail opens is decided before the next one opens. */
function expectOneTaskAtATime(timeline: AuditRecord[]) {
  let open: unknown;
  for (const r of timeline) {
    if (r.action === 'task_opened') {
      expect(open, `task ${String(r.data?.taskId)} opened while ${String(open)} was open`).toBeUndefined();
      open = r.data?.taskId;
    } else if (r.action === 'decided') {
      expect(r.data?.taskId).toBe(open);
      open = undefined;
    }
  }
  expect(open).toBeUndefined();
}

describe('random decision sequences: the runtime agrees with the pure core', () => {
  it(`${RUNS} sampled sequences, each its own case, run concurrently`, async () => {
    const tapes = fc.sample(fc.array(fc.nat({ max: 11 }), { minLength: 1, maxLength: 6 }), {
      seed: SEED,
      numRuns: RUNS,
    });
    const expected = tapes.map(expectedOf);
    const caseIds: string[] = [];

    const runs = Promise.allSettled(expected.map((e) => drive(e, caseIds)));
    const { observations, violations } = await observeUntil(runs, caseIds);
    const outcomes = await runs;

    expect(observations).toBeGreaterThan(0);
    expect(violations).toEqual([]);
    for (const [i, outcome] of outcomes.entries()) {
      const what = `seed ${SEED}, tape ${JSON.stringify(tapes[i])}: ${JSON.stringify(expected[i]!.steps)}`;
      if (outcome.status === 'rejected')
        throw new Error(`${what}: ${outcome.reason}`, { cause: outcome.reason });
      const c = outcome.value;
      const timeline: AuditRecord[] = c.timeline;
      expect(c.status, what).toBe(expected[i]!.status);
      expect(c.stage, what).toBe(expected[i]!.stage);
      expect(
        timeline.filter((r) => r.action === 'task_opened').map((r) => r.stage),
        what,
      ).toEqual(expected[i]!.taskStages);
      expect(
        timeline.filter((r) => r.action === 'decided').map((r) => [r.stage, r.decision, r.data?.to]),
        what,
      ).toEqual(expected[i]!.steps.map((s) => [s.stage, s.move.decision, s.move.to]));
      expect(c.openTaskId, what).toBeUndefined();
      expectOneTaskAtATime(timeline);
      const audit = await auditOf(users.county, c.caseId);
      expect(audit.chain, what).toEqual({ valid: true, length: timeline.length });
    }
  }, 90_000);
});
