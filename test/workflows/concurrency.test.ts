import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESCALATION_SPREAD_MS } from '../../functions/core/escalation.ts';
import { withdraw as withdrawCase } from '../../functions/services/cases.ts';
import { type Deps, sharedDeps } from '../../functions/services/deps.ts';
import { decide as decideTask } from '../../functions/services/tasks.ts';
import { escalate } from '../../functions/services/workflow.ts';
import { DEMO_USERS } from '../../local/auth.ts';
import type { Runtime } from '../../local/runtime.ts';
import { decisionBodySchema } from '../../schemas/decision.ts';
import type { TaskView } from '../../schemas/records.ts';
import { validHousehold } from '../support/fixtures.ts';
import type { ApiResponse } from '../support/runtime.ts';
import { eventually, loginAll, startTestRuntime } from '../support/runtime.ts';
import {
  type Actors,
  actionsOf,
  approval,
  auditOf,
  caseOf,
  decide,
  file,
  inboxOf,
  openTask,
  returnForSupplement,
  supplement,
} from '../support/scenario.ts';

/** Real time: nothing here may run overdue, so the trails hold only what the racing requests did. */
const TIME_SCALE = 1;
const N = 20;

let rt: Runtime;
let a: Actors;
let seq = 800;

beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: TIME_SCALE });
  a = await loginAll(rt.url, ['applicant', 'village', 'township', 'county']);
});
afterAll(() => rt?.stop());

/** A response to a racing request: the winner's view, or a loser's error. */
type Reply = ApiResponse<Record<string, unknown> & { error: { code: string; details: unknown } }>;

/** Fires `n` requests at once; resolves with every response, in request order. */
const race = (n: number, request: (i: number) => Promise<Reply>) =>
  Promise.all(Array.from({ length: n }, (_, i) => request(i)));

/** The one 200 among the responses, after checking that every other one is a 409 conflict. */
function oneWinner(responses: Reply[]) {
  const winners = responses.filter((r) => r.status === 200);
  const losers = responses.filter((r) => r.status !== 200);
  expect(winners, JSON.stringify(responses.map((r) => r.status))).toHaveLength(1);
  expect(losers.map((r) => r.status)).toEqual(Array(responses.length - 1).fill(409));
  for (const r of losers) expect(r.body.error.code).toBe('conflict');
  return { winner: winners[0]!, index: responses.indexOf(winners[0]!) };
}

/** A filed case with its village review task open. */
async function atVillageReview() {
  const { caseId } = await file(a.applicant, validHousehold(seq++));
  const task = await openTask(a.village, caseId, 'village_review');
  return { caseId, task };
}

describe.concurrent(`${N} racing requests on one case`, () => {
  it(`${N} parallel claims of one task → one 200, ${N - 1} × 409, one claimed record`, async () => {
    const { caseId, task } = await atVillageReview();

    const responses = await race(N, () => a.village.post(`/api/tasks/${task.taskId}/claim`));

    const { winner } = oneWinner(responses);
    expect(winner.body).toMatchObject({ taskId: task.taskId, status: 'claimed' });
    const claimed = (await a.village.get<TaskView>(`/api/tasks/${task.taskId}`)).body;
    expect(claimed).toMatchObject({ status: 'claimed', assignee: winner.body.assignee });
    const c = await caseOf(a.applicant, caseId);
    expect(actionsOf(c)).toEqual(['filed', 'task_opened', 'claimed']);
    const audit = await auditOf(a.village, caseId);
    expect(audit.chain).toEqual({ valid: true, length: 3 });
  });

  it(`${N} parallel decisions by the claimant → one 200; one decided record, one next task`, async () => {
    const { caseId, task } = await atVillageReview();
    const claim = await a.village.post(`/api/tasks/${task.taskId}/claim`);
    expect(claim.status).toBe(200);

    const responses = await race(N, (i) =>
      a.village.post(`/api/tasks/${task.taskId}/decision`, {
        ...approval('village_review'),
        comment: `同意 #${i}`,
      }),
    );
    const { winner, index } = oneWinner(responses);
    const next = await openTask(a.township, caseId, 'township_verification');
    // Let any duplicated resumption of the workflow show itself before counting tasks.
    await new Promise((r) => setTimeout(r, 500));
    const c = await caseOf(a.applicant, caseId);
    const inbox = await inboxOf(a.township);

    expect(winner.body).toMatchObject({ taskId: task.taskId, status: 'done', decision: 'approve' });
    expect(c).toMatchObject({ status: 'open', stage: 'township_verification', openTaskId: next.taskId });
    expect(inbox.filter((t) => t.caseId === caseId).map((t) => t.taskId)).toEqual([next.taskId]);
    expect(actionsOf(c)).toEqual(['filed', 'task_opened', 'claimed', 'decided', 'task_opened']);
    const decided = c.timeline.filter((r: { action: string }) => r.action === 'decided');
    expect(decided).toHaveLength(1);
    expect(decided[0].comment).toBe(`同意 #${index}`);
    const audit = await auditOf(a.village, caseId);
    expect(audit.chain).toEqual({ valid: true, length: c.timeline.length });
  });

  it(`${N} parallel supplements of a returned case → one applies, the stage reopens once`, async () => {
    const { caseId, task } = await atVillageReview();
    await decide(a.village, task.taskId, returnForSupplement);

    const responses = await race(N, (i) => supplement(a.applicant, caseId, { note: `补充材料 #${i}` }));
    const { index } = oneWinner(responses);
    const reopened = await openTask(a.village, caseId, 'village_review');
    await new Promise((r) => setTimeout(r, 500));
    const c = await caseOf(a.applicant, caseId);
    const inbox = await inboxOf(a.village);

    for (const r of responses.filter((x) => x.status === 409)) {
      expect(r.body.error.details).toEqual([{ path: 'case.status', rule: 'returned' }]);
    }
    expect(reopened.taskId).not.toBe(task.taskId);
    expect(c).toMatchObject({ status: 'open', stage: 'village_review', openTaskId: reopened.taskId });
    expect(inbox.filter((t) => t.caseId === caseId).map((t) => t.taskId)).toEqual([reopened.taskId]);
    expect(actionsOf(c)).toEqual(['filed', 'task_opened', 'decided', 'supplemented', 'task_opened']);
    expect(c.timeline.find((r: { action: string }) => r.action === 'supplemented').comment).toBe(
      `补充材料 #${index}`,
    );
    const audit = await auditOf(a.applicant, caseId);
    expect(audit.chain).toEqual({ valid: true, length: c.timeline.length });
  });
});

/** A clock past the task's escalation instant: due date plus the spread the escalation may fall anywhere in. */
const pastEscalation = (task: { dueAt: string }) => Date.parse(task.dueAt) + ESCALATION_SPREAD_MS + 1;

describe('a decision racing an escalation', () => {
  it('decided between the escalation’s reads of task and case → no escalation, no error, the case goes on', async () => {
    const { caseId, task } = await atVillageReview();
    const deps = sharedDeps();
    // The escalation step, run when its timer fired, with the decision landing between its two reads.
    const store = Object.create(deps.store) as Deps['store'];
    store.getCase = async (id) => {
      await decide(a.village, task.taskId, approval('village_review'));
      // the workflow has moved on: the escalation reads the case as it now stays
      await openTask(a.township, caseId, 'township_verification');
      return deps.store.getCase(id);
    };
    const racing: Deps = { ...deps, store, clock: { now: () => pastEscalation(task) } };

    const waitAgain = await escalate(racing, task.taskId);
    const next = await openTask(a.township, caseId, 'township_verification');
    const c = await caseOf(a.applicant, caseId);

    expect(waitAgain.task.taskId).toBe(task.taskId);
    expect(c).toMatchObject({ status: 'open', stage: 'township_verification', openTaskId: next.taskId });
    expect(c.timeline.map((r: { action: string }) => r.action)).toEqual([
      'filed',
      'task_opened',
      'decided',
      'task_opened',
    ]);
  });

  /** A reviewer whose decision straddles the task's escalation is not refused: the decision re-reads the case. */
  it('escalated between the decision’s read of the case and its write → the decision still applies', async () => {
    const { caseId, task } = await atVillageReview();
    const deps = sharedDeps();
    const store = Object.create(deps.store) as Deps['store'];
    store.getTaskAndCase = async (id) => {
      const read = await deps.store.getTaskAndCase(id);
      await escalate({ ...deps, clock: { now: () => pastEscalation(task) } }, task.taskId);
      return read;
    };
    const reviewer = DEMO_USERS.find((u) => u.username === 'village')!;

    const decided = await decideTask(
      { ...deps, store },
      reviewer,
      task.taskId,
      decisionBodySchema.parse(approval('village_review')),
    );
    const next = await openTask(a.township, caseId, 'township_verification');

    expect(decided).toMatchObject({ status: 'done', decision: 'approve' });
    expect(next.stage).toBe('township_verification');
  });
});

describe('a decision or a withdrawal racing a re-bound callback token', () => {
  /** The decision's write holds only on the token it read: it retries with the one bound, and the case moves on. */
  it('a decision read the task before the workflow re-bound its token → the next stage opens', async () => {
    const { caseId, task } = await atVillageReview();
    const deps = sharedDeps();
    const store = Object.create(deps.store) as Deps['store'];
    let reads = 0;
    store.getTaskAndCase = async (id) => {
      const read = await deps.store.getTaskAndCase(id);
      return reads++ === 0 && read.task
        ? { ...read, task: { ...read.task, taskToken: 'token-of-a-crashed-attempt' } }
        : read;
    };
    const reviewer = DEMO_USERS.find((u) => u.username === 'village')!;

    const decided = await decideTask(
      { ...deps, store },
      reviewer,
      task.taskId,
      decisionBodySchema.parse(approval('village_review')),
    );
    const next = await openTask(a.township, caseId, 'township_verification');

    expect(decided).toMatchObject({ status: 'done', decision: 'approve' });
    expect(reads).toBe(2);
    expect(next.stage).toBe('township_verification');
    expect(actionsOf(await caseOf(a.applicant, caseId))).toEqual([
      'filed',
      'task_opened',
      'decided',
      'task_opened',
    ]);
  });

  /**
   * A retried await-decision step (its first attempt crashed after binding) binds a new token after the withdrawal
   * read the task: the withdrawal must end the execution through the token bound when it wrote, not the one it read.
   */
  it('a withdrawal read the task before the workflow re-bound its token → the execution still ends', async () => {
    const { caseId, task } = await atVillageReview();
    const deps = sharedDeps();
    const executionArn = (await deps.store.getCase(caseId))!.executionArn!;
    expect(rt.engine.activity().waiting).toContain(executionArn);
    const store = Object.create(deps.store) as Deps['store'];
    let reads = 0;
    store.getTask = async (id) => {
      const t = await deps.store.getTask(id);
      // the first read sees the token of the crashed attempt, which no execution waits on
      return reads++ === 0 && t ? { ...t, taskToken: 'token-of-a-crashed-attempt' } : t;
    };
    const applicant = DEMO_USERS.find((u) => u.username === 'applicant')!;

    const withdrawn = await withdrawCase({ ...deps, store }, applicant, caseId, {
      reason: '家庭情况好转，申请撤回',
    });

    expect(withdrawn.status).toBe('withdrawn');
    await eventually(
      async () => !rt.engine.activity().running.includes(executionArn) || undefined,
      20_000,
      'the execution ended',
    );
    expect(rt.engine.activity().waiting).not.toContain(executionArn);
    expect((await deps.store.getTask(task.taskId))?.status).toBe('done');
  });
});
