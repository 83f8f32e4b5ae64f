import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionNameOf } from '../../functions/core/execution.ts';
import { SYSTEM } from '../../functions/services/cases.ts';
import { sharedDeps } from '../../functions/services/deps.ts';
import { renewExecution } from '../../functions/services/resume.ts';
import type { Runtime } from '../../local/runtime.ts';
import { validHousehold } from '../support/fixtures.ts';
import { eventually, loginAll, startTestRuntime } from '../support/runtime.ts';
import {
  type Actors,
  actionsOf,
  approveThrough,
  auditOf,
  caseOf,
  decide,
  file,
  openTask,
  rejection,
  returnForSupplement,
  statusReached,
  supplement,
} from '../support/scenario.ts';

/**
 * Paths a step reaches when Step Functions runs it again (at-least-once delivery), or when a case is resumed from
 * a record an earlier version of the system wrote: rare in a run, so each is driven here on purpose.
 */
const TIME_SCALE = 100_000;

let rt: Runtime;
let a: Actors;
let seq = 900;

beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: TIME_SCALE });
  a = await loginAll(rt.url, ['applicant', 'village', 'township', 'county']);
});
afterAll(() => rt?.stop());

/** Runs the step Lambda whose handler module is `entry`, as Step Functions would invoke it. */
function runStep(entry: string, event: unknown) {
  const fn = rt.app.functions.find((f) => f.entry === entry);
  if (!fn) throw new Error(`no function for ${entry}`);
  return rt.invoke(fn.logicalId, event);
}

describe('a step run again, or entered from an older record', () => {
  it('await-supplement run again after the supplement landed continues on the case’s route and changes nothing', async () => {
    const { caseId } = await file(a.applicant, validHousehold(seq++));
    const task = await openTask(a.village, caseId, 'village_review');
    await decide(a.village, task.taskId, returnForSupplement);
    const token = await eventually(
      async () => (await sharedDeps().store.getCase(caseId))?.supplementToken,
      20_000,
      'the supplement wait to bind its token',
    );
    expect((await supplement(a.applicant, caseId)).status).toBe(200);
    const reopened = await openTask(a.village, caseId, 'village_review');
    const before = await sharedDeps().store.getCase(caseId);

    // Act: the wait's Lambda delivered again with the token the supplement already completed
    await runStep('functions/steps/await-supplement.ts', { caseId, taskToken: token });

    // Assert: nothing written, and the case goes on from its reopened stage
    expect(await sharedDeps().store.getCase(caseId)).toEqual(before);
    await decide(a.village, reopened.taskId, rejection('village_review'));
    await statusReached(a.applicant, caseId, 'rejected');
    const { records, chain } = await auditOf(a.village, caseId);
    expect(chain.valid).toBe(true);
    expect(records.filter((r) => r.action === 'supplemented')).toHaveLength(1);
  });

  it('a case an earlier version left between its county decision and its publicity starts publicity when resumed', async () => {
    // Arrange: at county approval, as an earlier version stored its decision: the route to publicity, not started
    const { caseId } = await file(a.applicant, validHousehold(seq++));
    await approveThrough(a, caseId, ['village_review', 'township_verification']);
    const task = await openTask(a.county, caseId, 'county_approval');
    const deps = sharedDeps();
    const c = (await deps.store.getCase(caseId))!;
    await deps.workflow.stop(c.executionArn!, 'an earlier version’s execution, ended by the deploy');
    const stored = (await deps.store.getTask(task.taskId))!;
    const at = new Date(rt.now()).toISOString();
    await deps.store.apply({
      before: c,
      set: { status: 'open', route: { target: 'publicity' } },
      remove: ['openTaskId'],
      audit: { at, actor: SYSTEM, action: 'decided', stage: 'county_approval', decision: 'approve' },
      updateTask: {
        before: stored,
        expect: ['open', 'claimed'],
        set: { status: 'done', decision: 'approve', decidedAt: at, route: { target: 'publicity' } },
      },
    });

    // Act: the case moved to the newest version, as migrate does
    await renewExecution(deps, caseId, executionNameOf(c.executionArn!), 'migration');

    // Assert: the publicity step posted the notice, the period ran, and the household is enrolled
    const enrolled = await statusReached(a.applicant, caseId, 'enrolled');
    expect(actionsOf(enrolled).slice(-4)).toEqual([
      'decided',
      'execution_renewed',
      'publicity_started',
      'enrolled',
    ]);
    const view = await caseOf(a.county, caseId);
    expect(view.publicityEndsAt).toBeDefined();
    expect((await auditOf(a.county, caseId)).chain.valid).toBe(true);
  });
});
