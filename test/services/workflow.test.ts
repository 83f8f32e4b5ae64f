import { beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../functions/core/errors.ts';
import type { PlannedTask } from '../../functions/core/procedure.ts';
import { fileApplication, withdraw } from '../../functions/services/cases.ts';
import { inFlightResumptions } from '../../functions/services/resume.ts';
import { claim, decide } from '../../functions/services/tasks.ts';
import { awaitSupplement, escalate, openStage, startPublicity } from '../../functions/services/workflow.ts';
import { approval } from '../support/decisions.ts';
import { validHousehold } from '../support/fixtures.ts';
import { type ServiceWorld, serviceWorld, user } from './support.ts';

let w: ServiceWorld;
let n = 0;
beforeEach(async () => {
  w = await serviceWorld();
});

const application = () => ({ procedure: 'identification' as const, household: validHousehold(5000 + n++) });

/** The task the route a case's execution was last started on plans. */
const plannedTask = () => (w.workflow.started.at(-1)!.input.route as { task: PlannedTask }).task;

/** A route to `target` with the task it plans and the wait's timeout, whatever their values. */
const stageRoute = (target: string) => ({
  target,
  task: {
    taskId: expect.any(String),
    openedAt: expect.any(String),
    dueAt: expect.any(String),
    escalateAt: expect.any(String),
  },
  timeoutSeconds: expect.any(Number),
});

/** Files a case and opens its first stage as the workflow would, the token bound in the same step. */
async function filedAndWaiting(token = 'token-village') {
  const filed = await fileApplication(w.deps, user('village'), application());
  const planned = plannedTask();
  await openStage(w.deps, filed.caseId, 'village_review', planned, token);
  return { caseId: filed.caseId, taskId: planned.taskId };
}

describe('the services drive the workflow only through its port', () => {
  it('filing starts one execution named by the case, entering at the first stage', async () => {
    const filed = await fileApplication(w.deps, user('village'), application());

    expect(w.workflow.started).toEqual([
      {
        procedure: 'identification',
        name: filed.caseId,
        input: { caseId: filed.caseId, route: stageRoute('village_review') },
      },
    ]);
    const stored = await w.store.getCase(filed.caseId);
    expect(stored?.executionArn).toBe(w.workflow.executionArn('identification', filed.caseId));
    expect(stored?.status).toBe('open');
  });

  it('a start the engine refuses marks the case error (workflow_not_started) and fails the filing', async () => {
    w.workflow.failStart = Object.assign(new Error('unreachable'), { name: 'ServiceUnavailable' });

    const failed = await fileApplication(w.deps, user('village'), application()).catch((e: unknown) => e);

    expect((failed as Error).name).toBe('ServiceUnavailable');
    const [cases] = [await w.store.casesInJurisdiction('611002', {}, { limit: 10 })];
    expect(cases.items).toHaveLength(1);
    expect(cases.items[0]!.status).toBe('error');
    expect(cases.items[0]!.error?.code).toBe('workflow_not_started');
  });

  it('a decision completes the bound token with the route it stored', async () => {
    const { caseId, taskId } = await filedAndWaiting();
    await claim(w.deps, user('village'), taskId);

    await decide(w.deps, user('village'), taskId, approval('village_review') as never);

    expect(w.workflow.sent).toEqual([{ token: 'token-village', route: stageRoute('township_verification') }]);
    const task = await w.store.getTask(taskId);
    expect(task?.status).toBe('done');
    // stored without the timeout, which is counted from when the route is handed over
    expect(task?.route).toEqual({ ...stageRoute('township_verification'), timeoutSeconds: undefined });
    expect(task?.route).toMatchObject({ task: (w.workflow.sent[0]!.route as { task: PlannedTask }).task });
    expect((await w.store.getCase(caseId))?.openTaskId).toBeUndefined();
  });

  it('a decision whose token went stale is still stored; binding the next token replays it at once', async () => {
    const { taskId, caseId } = await filedAndWaiting('token-old');
    w.workflow.stale.add('token-old');

    await decide(w.deps, user('village'), taskId, approval('village_review') as never);
    expect(w.workflow.sent).toEqual([]);
    await openStage(
      w.deps,
      caseId,
      'village_review',
      { taskId, openedAt: '', dueAt: '', escalateAt: '' },
      'token-new',
    );

    expect(w.workflow.sent).toEqual([{ token: 'token-new', route: stageRoute('township_verification') }]);
  });

  it('a stale token at the wait itself is an error the step sees (send, not complete)', async () => {
    const { taskId, caseId } = await filedAndWaiting('token-a');
    await decide(w.deps, user('village'), taskId, approval('village_review') as never);
    w.workflow.stale.add('token-b');

    const failed = await openStage(w.deps, caseId, 'village_review', plannedTask(), 'token-b').catch(
      (e: unknown) => e,
    );

    expect((failed as Error).name).toBe('TaskTimedOut');
  });

  it('withdrawing with a task open completes its token with the withdrawn route and releases the guards', async () => {
    const { caseId, taskId } = await filedAndWaiting('token-w');

    const view = await withdraw(w.deps, user('village'), caseId, { reason: '家庭情况好转' });

    expect(view.status).toBe('withdrawn');
    expect(w.workflow.sent).toEqual([{ token: 'token-w', route: { target: 'end', status: 'withdrawn' } }]);
    expect(w.workflow.stopped).toEqual([]);
    expect((await w.store.getTask(taskId))?.status).toBe('done');
    // the same people may file again: their guards are free
    const again = await fileApplication(w.deps, user('village'), {
      procedure: 'identification',
      household: (await w.store.getCase(caseId))!.household,
    });
    expect(again.status).toBe('open');
  });

  it('withdrawing in publicity, where no callback waits, stops the execution', async () => {
    const filed = await fileApplication(w.deps, user('village'), application());
    const c = (await w.store.getCase(filed.caseId))!;
    // publicity before the county decision: the order many counties use, so a withdrawal is still allowed
    await w.store.apply({
      before: c,
      set: { policy: { ...c.policy, order: 'publicity_after_village' } },
      audit: {
        at: c.updatedAt,
        actor: { sub: 'system', name: '系统', role: 'system' },
        action: 'policy_fixture',
      },
    });
    await startPublicity(w.deps, filed.caseId);

    await withdraw(w.deps, user('village'), filed.caseId, { reason: '撤回' });

    expect(w.workflow.stopped).toEqual([
      {
        executionArn: w.workflow.executionArn('identification', filed.caseId),
        cause: 'withdrawn by applicant',
      },
    ]);
    expect(w.workflow.sent).toEqual([]);
  });

  it('a supplement wait whose case was supplemented meanwhile continues at once on the case route', async () => {
    const { caseId, taskId } = await filedAndWaiting('token-r');
    await decide(w.deps, user('village'), taskId, {
      decision: 'return',
      comment: '缺材料',
      missing: ['收入证明'],
    } as never);
    const returned = (await w.store.getCase(caseId))!;
    expect(returned.status).toBe('returned');
    await w.store.apply({
      before: returned,
      set: { status: 'open', route: { target: 'village_review' } },
      audit: {
        at: returned.updatedAt,
        actor: { sub: 'system', name: '系统', role: 'system' },
        action: 'fixture',
      },
    });

    await awaitSupplement(w.deps, caseId, 'token-s');

    expect(w.workflow.sent.at(-1)).toEqual({ token: 'token-s', route: { target: 'village_review' } });
  });

  it('a stage entered twice (a retried step, a new wait) opens its planned task once and binds the new token', async () => {
    const { caseId, taskId } = await filedAndWaiting('token-1');

    await openStage(w.deps, caseId, 'village_review', plannedTask(), 'token-2');

    const c = (await w.store.getCase(caseId))!;
    expect(c.openTaskId).toBe(taskId);
    expect((await w.store.getTask(taskId))?.taskToken).toBe('token-2');
    expect((await w.store.getCaseWithTrail(caseId)).trail.map((r) => r.action)).toEqual([
      'filed',
      'task_opened',
    ]);
    expect(w.workflow.sent).toEqual([]);
  });
});

describe('a stage whose wait timed out before its step opened the task', () => {
  it('waits again until the planned escalation instead of failing, and the next step opens the task', async () => {
    const filed = await fileApplication(w.deps, user('village'), application());
    const planned = plannedTask();
    w.clock.ms = Date.parse(planned.escalateAt) - 5_000;

    const again = await escalate(w.deps, planned.taskId, undefined, {
      target: 'village_review',
      task: planned,
    });
    await openStage(w.deps, filed.caseId, 'village_review', planned, 'token-late');

    expect(again).toEqual({ target: 'village_review', task: planned, timeoutSeconds: 5 });
    expect((await w.store.getTask(planned.taskId))?.taskToken).toBe('token-late');
    expect((await w.store.getCaseWithTrail(filed.caseId)).trail.map((r) => r.action)).toEqual([
      'filed',
      'task_opened',
    ]);
  });
});

describe('resume', () => {
  it('re-enters the in-flight cases of the counties asked for, from a Query of their active cases', async () => {
    const open = await filedAndWaiting();
    const ended = await filedAndWaiting('token-2');
    await withdraw(w.deps, user('village'), ended.caseId, { reason: '撤回' });
    const elsewhere = await fileApplication(w.deps, user('village'), {
      procedure: 'identification',
      household: validHousehold(6000 + n++, '611003100201'),
    }).catch((e: unknown) => e);
    // a village reviewer of 611002 may not file in 611003: nothing is stored there
    expect(elsewhere).toBeInstanceOf(DomainError);

    const resumptions = await inFlightResumptions(w.deps, ['611002', '611003']);

    expect(resumptions).toEqual([
      {
        procedure: 'identification',
        executionArn: w.workflow.executionArn('identification', open.caseId),
        input: {
          caseId: open.caseId,
          route: { ...stageRoute('village_review'), task: { ...stageRoute('').task, taskId: open.taskId } },
        },
      },
    ]);
    expect(await inFlightResumptions(w.deps, ['611003'])).toEqual([]);
  });
});
