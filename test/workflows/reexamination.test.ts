import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../local/runtime.ts';
import type { AuditRecord } from '../../schemas/records.ts';
import { validHousehold } from '../support/fixtures.ts';
import { type ApiClient, loginAll, startTestRuntime } from '../support/runtime.ts';
import {
  type Actors,
  actionsOf,
  approveThrough,
  auditOf,
  caseOf,
  decide,
  expectChronological,
  file,
  openTask,
  REVIEW_STAGES,
  rejection,
  reviewerOf,
  statusReached,
} from '../support/scenario.ts';

/** 5 simulated days of publicity pass in about 7 real seconds. */
const TIME_SCALE = 60_000;

let rt: Runtime;
let a: Actors & { township2: ApiClient };
let seq = 400;
const household = () => validHousehold(seq++);

beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: TIME_SCALE });
  a = await loginAll(rt.url, ['applicant', 'village', 'township', 'county', 'township2']);
});
afterAll(() => rt?.stop());

const REQUEST = { reason: '家中老人新确诊重病，医疗支出大幅增加，请求复核。' };
const requestReexamination = (client: ApiClient, caseId: string, body: unknown = REQUEST) =>
  client.post(`/api/cases/${caseId}/reexamination`, body);

/** Files a case and rejects it at `stage`, approving the stages before; returns it once rejected. */
async function rejectedAt(stage: string, h = household()) {
  const { caseId } = await file(a.applicant, h);
  await approveThrough(a, caseId, REVIEW_STAGES.slice(0, REVIEW_STAGES.indexOf(stage)));
  const task = await openTask(reviewerOf(a, stage), caseId, stage);
  await decide(reviewerOf(a, stage), task.taskId, rejection(stage));
  await statusReached(a.applicant, caseId, 'rejected');
  return caseId;
}

/** The trail's record of `action` (the first one after `after`, if given). */
const recordOf = (c: { timeline: AuditRecord[] }, action: string, after = -1) =>
  c.timeline.find((r, i) => i > after && r.action === action)!;

describe('re-examination (复核) of a rejection, executed by the synthesized state machine', () => {
  it('rejected at village review → re-examination → overturned → village reviews again → … → enrolled', async () => {
    // Arrange
    const caseId = await rejectedAt('village_review');

    // Act
    const requested = await requestReexamination(a.applicant, caseId);
    const task = await openTask(a.township, caseId, 'reexamination');
    await decide(a.township, task.taskId, { decision: 'overturn', comment: '收入核算有误，撤销原驳回' });
    await approveThrough(a, caseId, REVIEW_STAGES);
    const enrolled = await statusReached(a.applicant, caseId, 'enrolled');

    // Assert
    expect(requested.status, JSON.stringify(requested.body)).toBe(200);
    expect(requested.body).toMatchObject({ status: 'open', stage: 'reexamination' });
    expect(requested.body.reexaminationRequestedAt).toEqual(expect.any(String));
    expect(task).toMatchObject({
      stage: 'reexamination',
      role: 'township_reviewer',
      jurisdiction: '611002100',
    });
    expect(actionsOf(enrolled)).toEqual([
      'filed',
      'task_opened',
      'decided',
      'reexamination_requested',
      'task_opened',
      'decided',
      'task_opened',
      'decided',
      'task_opened',
      'decided',
      'task_opened',
      'decided',
      'publicity_started',
      'enrolled',
    ]);
    expect(recordOf(enrolled, 'reexamination_requested')).toMatchObject({
      stage: 'reexamination',
      comment: REQUEST.reason,
      data: { rejectingStage: 'village_review' },
    });
    const overturn = enrolled.timeline.findIndex((r: AuditRecord) => r.decision === 'overturn');
    expect(enrolled.timeline[overturn]).toMatchObject({
      stage: 'reexamination',
      data: { route: { target: 'village_review' } },
    });
    expect(recordOf(enrolled, 'task_opened', overturn)).toMatchObject({ stage: 'village_review' });
    expectChronological(enrolled.timeline);
    expect((await auditOf(a.county, caseId)).chain).toEqual({
      valid: true,
      length: enrolled.timeline.length,
    });
  });

  it('rejected at county approval → re-examination → upheld → rejected again, and a second request is 409 once', async () => {
    // Arrange
    const h = household();
    const caseId = await rejectedAt('county_approval', h);

    // Act: the village cadre asks for the applicant
    const requested = await requestReexamination(a.village, caseId);
    const task = await openTask(a.township, caseId, 'reexamination');
    const noReason = await a.township.post(`/api/tasks/${task.taskId}/decision`, { decision: 'uphold' });
    await decide(a.township, task.taskId, {
      decision: 'uphold',
      comment: '复核维持原决定',
      reason: '经复核，家庭人均纯收入仍高于监测标准',
    });
    const rejected = await statusReached(a.applicant, caseId, 'rejected');
    const second = await requestReexamination(a.applicant, caseId);
    const refiled = await a.applicant.post('/api/cases', { procedure: 'identification', household: h });

    // Assert
    expect(requested.status, JSON.stringify(requested.body)).toBe(200);
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'comment', rule: 'required' }),
        expect.objectContaining({ path: 'reason', rule: 'required' }),
      ]),
    );
    expect(rejected.stage).toBe('reexamination');
    expect(rejected.openTaskId).toBeUndefined();
    expect(actionsOf(rejected)).toEqual([
      'filed',
      ...Array(3).fill(['task_opened', 'decided']).flat(),
      'reexamination_requested',
      'task_opened',
      'decided',
    ]);
    expect(rejected.timeline.at(-1)).toMatchObject({
      decision: 'uphold',
      data: { reason: '经复核，家庭人均纯收入仍高于监测标准', route: { target: 'end', status: 'rejected' } },
    });
    expect((await auditOf(a.county, caseId)).chain).toEqual({
      valid: true,
      length: rejected.timeline.length,
    });
    expect(second.status).toBe(409);
    expect(second.body.error.details).toEqual([
      expect.objectContaining({ path: 'case.reexaminationRequestedAt', rule: 'once' }),
    ]);
    // the upheld rejection released the household's ID numbers again
    expect(refiled.status, JSON.stringify(refiled.body)).toBe(201);
  });
});

describe('who may ask, and when', () => {
  it('an open case is 409 naming case.status', async () => {
    const { caseId } = await file(a.applicant, household());

    const res = await requestReexamination(a.applicant, caseId);

    expect(res.status).toBe(409);
    expect(res.body.error.details).toEqual([
      expect.objectContaining({ path: 'case.status', rule: 'rejected' }),
    ]);
  });

  it('another township’s reviewer gets 404, the township role 403, and an empty reason 400', async () => {
    const caseId = await rejectedAt('village_review');

    const outside = await requestReexamination(a.township2, caseId);
    const township = await requestReexamination(a.township, caseId);
    const empty = await requestReexamination(a.applicant, caseId, { reason: '  ' });

    expect(outside.status).toBe(404);
    expect(township.status).toBe(403);
    expect(empty.status).toBe(400);
    expect(empty.body.error.details).toEqual([expect.objectContaining({ path: 'reason' })]);
    const c = await caseOf(a.applicant, caseId);
    expect(c).toMatchObject({ status: 'rejected', stage: 'village_review' });
    expect(c.reexaminationRequestedAt).toBeUndefined();
  });

  it('a household that filed a new case meanwhile is 409 naming that case, and nothing changes', async () => {
    // Arrange
    const h = household();
    const caseId = await rejectedAt('village_review', h);
    const newer = await file(a.applicant, h);

    // Act
    const res = await requestReexamination(a.applicant, caseId);

    // Assert
    expect(res.status).toBe(409);
    expect(res.body.error.details).toEqual([
      // the guard names the person's own field; every person of the household is in the newer case
      expect.objectContaining({ path: 'household.head.idNumber', rule: 'one_open_case' }),
    ]);
    expect(res.body.error.message).toContain(newer.caseId);
    const c = await caseOf(a.applicant, caseId);
    expect(c).toMatchObject({ status: 'rejected', stage: 'village_review' });
    expect(actionsOf(c)).not.toContain('reexamination_requested');
  });
});
