/**
 * Closing publicity ends the execution that carried it: an enrolled case needs nothing more, and a case with an
 * open objection is handed to a fresh execution at objection review, named on the case in the same transaction
 * as its `publicity_ended` record. Retries never write twice and never fail once the fresh execution moved on.
 * On DynamoDB Local with the workflow engine faked.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { executionNameOf, nextExecutionName } from '../../functions/core/execution.ts';
import type { HumanStage, PlannedTask } from '../../functions/core/procedure.ts';
import { fileApplication } from '../../functions/services/cases.ts';
import { fileObjection } from '../../functions/services/objections.ts';
import { decide } from '../../functions/services/tasks.ts';
import { closePublicity, openStage } from '../../functions/services/workflow.ts';
import type { DecisionBody } from '../../schemas/decision.ts';
import { approval } from '../support/decisions.ts';
import { validHousehold } from '../support/fixtures.ts';
import { type ServiceWorld, serviceWorld, user } from './support.ts';

let w: ServiceWorld;
beforeEach(async () => {
  w = await serviceWorld('2026-11-02T09:00:00.000+08:00');
});

const REVIEWS: [HumanStage, string][] = [
  ['village_review', 'village'],
  ['township_verification', 'township'],
  ['county_approval', 'county'],
];

/** A case approved through its three reviews into publicity, the clock past its end; its execution's name. */
async function caseAfterPublicity(objected: boolean): Promise<{ caseId: string; execution: string }> {
  const { caseId } = await fileApplication(w.deps, user('village'), {
    procedure: 'identification',
    household: validHousehold(9800),
  });
  for (const [i, [stage, reviewer]] of REVIEWS.entries()) {
    const entering = i === 0 ? w.workflow.started.at(-1)!.input.route : w.workflow.sent.at(-1)!.route;
    const { task } = entering as { task: PlannedTask };
    await openStage(w.deps, caseId, stage, task, `token-${stage}`);
    await decide(w.deps, user(reviewer), task.taskId, approval(stage) as DecisionBody);
  }
  if (objected) {
    await fileObjection(w.deps, user('village'), caseId, {
      objector: { name: '李四' },
      content: '家中有人在县城务工，收入不低',
    });
  }
  const c = (await w.store.getCase(caseId))!;
  w.clock.ms = Date.parse(c.publicityEndsAt!) + 1000;
  return { caseId, execution: executionNameOf(c.executionArn!) };
}

describe('closing publicity', () => {
  it('enrols a case with no objection and starts nothing', async () => {
    const { caseId, execution } = await caseAfterPublicity(false);
    const starts = w.workflow.started.length;

    const route = await closePublicity(w.deps, caseId, execution);

    expect(route).toEqual({ target: 'end', status: 'enrolled' });
    expect(w.workflow.started).toHaveLength(starts);
    const c = (await w.store.getCase(caseId))!;
    expect(c.status).toBe('enrolled');
    expect(executionNameOf(c.executionArn!)).toBe(execution);
  });

  it('hands a case with an open objection to a fresh execution at objection review, in the same record', async () => {
    const { caseId, execution } = await caseAfterPublicity(true);
    const next = nextExecutionName(execution);

    const route = await closePublicity(w.deps, caseId, execution);

    expect(route).toMatchObject({ target: 'objection_review', task: expect.any(Object) });
    expect(w.workflow.started.at(-1)).toMatchObject({
      procedure: 'identification',
      name: next,
      input: { caseId, route: { target: 'objection_review' } },
    });
    const c = (await w.store.getCase(caseId))!;
    expect(executionNameOf(c.executionArn!)).toBe(next);
    const { trail } = await w.store.getCaseWithTrail(caseId);
    expect(trail.at(-1)).toMatchObject({
      action: 'publicity_ended',
      data: { openObjections: 1, execution: next },
    });
    expect(trail.at(-1)!.seq).toBe(c.auditLength);
  });

  it('a retried close writes nothing twice and starts the same execution again; after it moved on, it answers quietly', async () => {
    const { caseId, execution } = await caseAfterPublicity(true);
    const first = await closePublicity(w.deps, caseId, execution);
    const length = (await w.store.getCase(caseId))!.auditLength;

    const retried = await closePublicity(w.deps, caseId, execution);
    const { task } = first as { task: PlannedTask };
    await openStage(w.deps, caseId, 'objection_review', task, 'token-review');
    const late = await closePublicity(w.deps, caseId, execution);

    expect(retried).toEqual(first);
    expect(late).toMatchObject({ target: 'objection_review' });
    const names = w.workflow.started.map((s) => s.name).filter((n) => n !== caseId);
    expect(new Set(names)).toEqual(new Set([nextExecutionName(execution)]));
    const c = (await w.store.getCase(caseId))!;
    expect(c.stage).toBe('objection_review');
    // only the review's task_opened record was added after the close
    expect(c.auditLength).toBe(length + 1);
  });
});
