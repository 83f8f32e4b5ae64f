/**
 * The stuck-case report counts a case idle from when it entered its current stage and status: a claim, an
 * unclaim or a decision whose next step has not run yet changes the case, but is not progress. On DynamoDB Local
 * with the workflow engine faked.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { PlannedTask } from '../../functions/core/procedure.ts';
import { DAY_MS } from '../../functions/core/time.ts';
import { fileApplication } from '../../functions/services/cases.ts';
import { stuckCases, stuckQuerySchema } from '../../functions/services/reports.ts';
import { claim, decide, unclaim } from '../../functions/services/tasks.ts';
import { openStage } from '../../functions/services/workflow.ts';
import type { DecisionBody } from '../../schemas/decision.ts';
import { approval } from '../support/decisions.ts';
import { validHousehold } from '../support/fixtures.ts';
import { type ServiceWorld, serviceWorld, user } from './support.ts';

let w: ServiceWorld;
beforeEach(async () => {
  w = await serviceWorld('2026-11-02T09:00:00.000+08:00');
});

/** A case filed by the village cadre with its village review opened, `openedAt` then. */
async function caseAtVillageReview(): Promise<{ caseId: string; taskId: string; openedAt: string }> {
  const { caseId } = await fileApplication(w.deps, user('village'), {
    procedure: 'identification',
    household: validHousehold(9700),
  });
  const { task } = w.workflow.started.at(-1)!.input.route as { task: PlannedTask };
  await openStage(w.deps, caseId, 'village_review', task, `token-${caseId}`);
  return { caseId, taskId: task.taskId, openedAt: (await w.store.getCase(caseId))!.stageEnteredAt! };
}

const stuck = async (days: number) =>
  (await stuckCases(w.deps, user('auditor'), stuckQuerySchema.parse({ days: String(days) }))).items;

describe('stuck cases', () => {
  it('keeps a case stuck while its task is claimed and unclaimed: idle since the stage opened', async () => {
    // Arrange: the review opened, then claimed 8 days later and unclaimed 3 days after that
    const { caseId, taskId, openedAt } = await caseAtVillageReview();
    w.clock.ms += 8 * DAY_MS;
    await claim(w.deps, user('village'), taskId);
    w.clock.ms += 3 * DAY_MS;
    await unclaim(w.deps, user('village'), taskId);
    const changedAt = (await w.store.getCase(caseId))!.updatedAt;

    // Act
    const rows = await stuck(10);

    // Assert
    expect(rows).toEqual([
      expect.objectContaining({
        caseId,
        reason: 'no_progress',
        stage: 'village_review',
        stageEnteredAt: openedAt,
        updatedAt: changedAt,
        idleDays: 11,
        openTaskId: taskId,
      }),
    ]);
    expect(Date.parse(changedAt) - Date.parse(openedAt)).toBe(11 * DAY_MS);
  });

  it('a decision is progress once its next stage opens, and not before', async () => {
    // Arrange: the village review decided 12 days after it opened; the township's step has not run yet
    const { caseId, taskId } = await caseAtVillageReview();
    w.clock.ms += 12 * DAY_MS;
    await decide(w.deps, user('village'), taskId, approval('village_review') as DecisionBody);
    const waiting = await stuck(10);
    const { task } = w.workflow.sent.at(-1)!.route as { task: PlannedTask };
    await openStage(w.deps, caseId, 'township_verification', task, `token-${caseId}-2`);

    // Act
    const opened = await stuck(10);

    // Assert
    expect(waiting.map((r) => [r.caseId, r.stage, r.idleDays])).toEqual([[caseId, 'village_review', 12]]);
    expect(opened).toEqual([]);
  });
});
