import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/commons/clients.ts';
import { runningHandler } from '../../functions/commons/command-log.ts';
import { STEP_ENTRIES } from '../../functions/steps/entries.ts';
import type { Runtime } from '../../local/runtime.ts';
import { validHousehold } from '../support/fixtures.ts';
import { eventually, loginAll, startTestRuntime } from '../support/runtime.ts';
import {
  type Actors,
  actionsOf,
  approveThrough,
  caseOf,
  file,
  REVIEW_STAGES,
  statusReached,
  withdraw,
  workflowEnded,
} from '../support/scenario.ts';

/** 5 simulated days of publicity in about 7 real seconds; retry back-off (seconds) passes at once. */
const TIME_SCALE = 60_000;

let rt: Runtime;
let a: Actors & { admin: Actors['applicant'] };
let seq = 700;

/**
 * AWS itself, failing: the next `times` DynamoDB calls that the step module `entry` sends fail with `error`
 * before they reach DynamoDB Local, as if the SDK's own retries had given up.
 */
const fault = { entry: '', times: 0, make: (): Error => new Error('unset'), injected: 0 };
function failNext(entry: string, times: number, make: () => Error) {
  Object.assign(fault, { entry, times, make, injected: 0 });
}
const throttled = () =>
  new ProvisionedThroughputExceededException({
    message: 'The level of configured provisioned throughput for the table was exceeded.',
    $metadata: { httpStatusCode: 400 },
  });

beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: TIME_SCALE });
  a = await loginAll(rt.url, ['applicant', 'village', 'township', 'county', 'admin']);
  // The handlers run in this process and share this client (functions/commons/clients.ts).
  documentClient().middlewareStack.add(
    (next) => async (args) => {
      if (fault.times > 0 && runningHandler() === fault.entry) {
        fault.times--;
        fault.injected++;
        throw fault.make();
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectFaults' },
  );
});
beforeEach(() => failNext('', 0, () => new Error('unset')));
afterAll(() => rt?.stop());

describe('a step whose AWS calls fail', () => {
  it('is retried with backoff when throttled twice, and the case still completes', async () => {
    // Arrange: the township stage's task cannot be opened twice in a row
    const { caseId } = await file(a.applicant, validHousehold(seq++));
    await approveThrough(a, caseId, ['village_review']);
    failNext(STEP_ENTRIES.openStage, 2, throttled);

    // Act
    await approveThrough(a, caseId, ['township_verification', 'county_approval']);
    const enrolled = await statusReached(a.applicant, caseId, 'enrolled');

    // Assert: both throttles happened, and the retried step opened the task once
    expect(fault.injected).toBe(2);
    expect(actionsOf(enrolled).filter((x) => x === 'task_opened')).toHaveLength(REVIEW_STAGES.length);
    expect(actionsOf(enrolled)).not.toContain('error');
    expect(await workflowEnded(rt, caseId)).toBe('SUCCEEDED');
  });

  it('marks the case error at once on a failure no retry can mend', async () => {
    // Arrange
    const { caseId } = await file(a.applicant, validHousehold(seq++));
    const refused = () =>
      Object.assign(new Error('One or more parameter values were invalid'), {
        name: 'ValidationException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      });
    failNext(STEP_ENTRIES.closePublicity, 1, refused);

    // Act
    await approveThrough(a, caseId, REVIEW_STAGES);
    const failed = await statusReached(a.county, caseId, 'error');

    // Assert: not retried; the case says why
    expect(fault.injected).toBe(1);
    expect(actionsOf(failed).at(-1)).toBe('error');
    expect(await workflowEnded(rt, caseId)).toBe('FAILED');
  });
});

describe('a withdrawal during publicity (publicity after village review)', () => {
  it('saves the withdrawal and stops the waiting execution', async () => {
    // Arrange
    const current = (await a.admin.get('/api/admin/policy')).body;
    const put = await a.admin.put('/api/admin/policy', {
      order: 'publicity_after_village',
      limits: current.limits,
      expectedVersion: current.version,
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const { caseId } = await file(a.applicant, validHousehold(seq++));
    await approveThrough(a, caseId, ['village_review']);
    await eventually(async () =>
      (await caseOf(a.village, caseId)).stage === 'publicity' ? true : undefined,
    );

    // Act
    const res = await withdraw(a.applicant, caseId);

    // Assert
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await caseOf(a.applicant, caseId)).status).toBe('withdrawn');
    expect(await workflowEnded(rt, caseId)).toBe('ABORTED');
  });
});
