import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXECUTION_HORIZON_MS } from '../../functions/core/execution.ts';
import { sharedDeps } from '../../functions/services/deps.ts';
import type { Runtime } from '../../local/runtime.ts';
import { validHousehold } from '../support/fixtures.ts';
import { eventually, loginAll, startTestRuntime } from '../support/runtime.ts';
import {
  type Actors,
  actionsOf,
  approveThrough,
  caseOf,
  file,
  openTask,
  REVIEW_STAGES,
  statusReached,
} from '../support/scenario.ts';

/** Ten simulated days a second: the 180-day horizon passes in about 18 s, escalating every few working days. */
const TIME_SCALE = 864_000;
const DAY = 86_400_000;

let rt: Runtime;
let a: Actors;
beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: TIME_SCALE });
  a = await loginAll(rt.url, ['applicant', 'village', 'township', 'county']);
});
afterAll(() => rt?.stop());

describe('a task left for months', () => {
  it('hands its case to a fresh execution at the same stage long before the one-year limit, and the case finishes', async () => {
    // Arrange: a case whose village review nobody decides
    const { caseId } = await file(a.applicant, validHousehold(7100));
    const task = await openTask(a.village, caseId, 'village_review');
    const first = (await sharedDeps().store.getCase(caseId))!.executionArn!;

    // Act: simulated months pass, escalating the task every few working days
    const renewed = await eventually(
      async () => {
        const c = await sharedDeps().store.getCase(caseId);
        return c?.executionArn !== first ? c : undefined;
      },
      60_000,
      `a renewal of ${first}`,
    );

    // Assert: the old execution ended on its own (no timeout), younger than the horizon plus a little
    const old = await rt.engine.waitForExecution(first, 10_000);
    expect(old.status).toBe('SUCCEEDED');
    const age = old.stopDate! - old.startDate;
    expect(age).toBeGreaterThanOrEqual(EXECUTION_HORIZON_MS);
    expect(age).toBeLessThan(EXECUTION_HORIZON_MS + 5 * DAY);
    // the new one carries the same case at the same stage, on the same task
    expect(renewed!.executionArn).toBe(`${first}.2`);
    const next = await rt.engine.describeExecution(renewed!.executionArn!);
    expect(next.status).toBe('RUNNING');
    expect(next.input).toMatchObject({
      caseId,
      route: { target: 'village_review', task: { taskId: task.taskId } },
    });
    expect(renewed!.stage).toBe('village_review');
    expect(renewed!.openTaskId).toBe(task.taskId);
    const view = await caseOf(a.village, caseId);
    const escalations = view.timeline.filter((r: { action: string }) => r.action === 'escalated');
    expect(escalations.length).toBeGreaterThan(20);
    expect(actionsOf(view)).toEqual(['filed', 'task_opened', 'execution_renewed']);

    // and the decision, months late, reaches the new execution: the case goes on to enrolment
    await approveThrough(a, caseId, REVIEW_STAGES);
    await statusReached(a.applicant, caseId, 'enrolled');
    expect((await rt.engine.waitForExecution(renewed!.executionArn!, 10_000)).status).toBe('SUCCEEDED');
  });
});
