import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedDeps } from '../../functions/services/deps.ts';
import { keys } from '../../functions/store/keys.ts';
import type { Runtime } from '../../local/runtime.ts';
import { validHousehold } from '../support/fixtures.ts';
import { type ApiClient, eventually, loginAll, startTestRuntime } from '../support/runtime.ts';
import {
  type Actors,
  approval,
  approveThrough,
  caseOf,
  decide,
  file,
  noticeOf,
  openTask,
  REVIEW_STAGES,
  rejection,
  statusReached,
} from '../support/scenario.ts';

/** 5 simulated days of publicity pass in about 7 real seconds. */
const TIME_SCALE = 60_000;
const UNTIL_ENROLLED_MS = 45_000;

let rt: Runtime;
let a: Actors & { township2: ApiClient };
let seq = 300;

beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: TIME_SCALE });
  a = await loginAll(rt.url, ['applicant', 'village', 'township', 'county', 'township2']);
});
afterAll(() => rt?.stop());

const objection = {
  objector: { name: '刘七', phone: '13700001111' },
  content: '该户家庭成员在县城有商品房和私家车，不符合纳入条件。',
};

/** Files a case and approves it through county approval; returns once its publicity is running. */
async function inPublicity() {
  const household = validHousehold(seq++);
  const { caseId } = await file(a.applicant, household);
  await approveThrough(a, caseId, REVIEW_STAGES);
  await eventually(
    async () => ((await caseOf(a.applicant, caseId)).stage === 'publicity' ? true : undefined),
    20_000,
    `publicity of ${caseId}`,
  );
  return { caseId, household };
}

/** The trail's actions; escalations may interleave if the machine is slow, and are not what is tested here. */
const actionsOf = (c: { timeline: { action: string }[] }) =>
  c.timeline.map((r) => r.action).filter((x) => x !== 'escalated');

const REVIEWED_TO_PUBLICITY = [
  'filed',
  'task_opened',
  'decided',
  'task_opened',
  'decided',
  'task_opened',
  'decided',
  'publicity_started',
];

/** The whole-case milestone items of a case, as `kind@at`, read straight from its partition. */
async function milestonesOf(caseId: string): Promise<string[]> {
  const { store } = sharedDeps();
  const out = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
      ExpressionAttributeValues: { ':pk': keys.casePartition(caseId), ':m': 'MILESTONE#' },
    }),
  );
  return (out.Items ?? []).map((m) => `${m.kind}@${m.at}`).sort();
}

describe('publicity objections', () => {
  it('objection upheld → township re-verifies → county → publicity again → enrolled', async () => {
    const { caseId, household } = await inPublicity();

    const filed = await a.village.post(`/api/cases/${caseId}/objections`, objection);
    const page = await noticeOf(rt, 'applicant', caseId);
    const html = await page.text();
    const review = await openTask(a.township, caseId, 'objection_review');
    await decide(a.township, review.taskId, { decision: 'uphold', comment: '异议属实，重新入户核实' });
    const reverify = await openTask(a.township, caseId, 'township_verification');
    await decide(a.township, reverify.taskId, approval('township_verification'));
    const county = await openTask(a.county, caseId, 'county_approval');
    await decide(a.county, county.taskId, approval('county_approval'));
    const enrolled = await statusReached(a.applicant, caseId, 'enrolled', UNTIL_ENROLLED_MS);

    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    expect(filed.body).toMatchObject({ caseId, status: 'open', objectorName: '刘七' });
    expect(JSON.stringify(filed.body)).not.toContain('13700001111');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toContain(household.head.name);
    expect(html).toContain('边缘易致贫户');
    // the stages this case passed, in its county's order, and the risk type the township confirmed
    expect(html).toContain('村级民主评议、乡镇入户核实、县级审定，拟将');
    expect(html).toContain('<th>主要风险类型（乡镇核实）</th><');
    expect(html).toContain('<td>因病</td>');
    for (const secret of [household.head.idNumber, household.head.phone, '13700001111', '慢性病']) {
      expect(html).not.toContain(secret);
    }
    expect(review.stage).toBe('objection_review');
    // re-verification is a fresh task with its own, later due date
    const verifications = enrolled.timeline.filter(
      (r: { action: string; stage: string }) =>
        r.action === 'task_opened' && r.stage === 'township_verification',
    );
    expect(verifications).toHaveLength(2);
    expect(verifications[1].data.taskId).toBe(reverify.taskId);
    expect(verifications[0].data.taskId).not.toBe(reverify.taskId);
    expect(Date.parse(verifications[1].data.dueAt)).toBeGreaterThan(Date.parse(verifications[0].data.dueAt));
    expect(enrolled.stage).toBe('publicity');
    expect(actionsOf(enrolled)).toEqual([
      ...REVIEWED_TO_PUBLICITY,
      'objection_filed',
      'publicity_ended',
      'task_opened',
      'decided',
      'task_opened',
      'decided',
      'task_opened',
      'decided',
      'publicity_started',
      'enrolled',
    ]);
    const ended = enrolled.timeline.find((r: { action: string }) => r.action === 'publicity_ended');
    expect(ended.data).toMatchObject({ openObjections: 1, route: { target: 'objection_review' } });
    const upheld = enrolled.timeline.find((r: { decision?: string }) => r.decision === 'uphold');
    expect(upheld.data.route).toEqual({ target: 'township_verification' });
    expect(upheld.data.objectionIds).toEqual([filed.body.objectionId]);
    // the second publicity counted no objection: the upheld one was resolved with its decision
    expect(enrolled.timeline.at(-1).data.openObjections).toBe(0);
    expect(JSON.stringify(enrolled.timeline)).not.toContain('13700001111');
    const audit = await a.county.get(`/api/cases/${caseId}/audit`);
    expect(audit.body.chain).toMatchObject({ valid: true });
    // each county decision is a whole-case milestone of its own, timed from the application; enrolment once
    const countyDecisions = enrolled.timeline
      .filter(
        (r: { stage: string; action: string }) => r.stage === 'county_approval' && r.action === 'decided',
      )
      .map((r: { at: string }) => `county_decision@${r.at}`);
    expect(countyDecisions).toHaveLength(2);
    expect(await milestonesOf(caseId)).toEqual(
      [...countyDecisions, `enrolled@${enrolled.timeline.at(-1).at}`].sort(),
    );
  }, 90_000);

  it('objection dismissed → enrolled; a later objection is refused with 409', async () => {
    const { caseId } = await inPublicity();

    const filed = await a.township.post(`/api/cases/${caseId}/objections`, {
      objector: { name: '陈八' },
      content: '反映该户收入偏高。',
    });
    const review = await openTask(a.township, caseId, 'objection_review');
    await decide(a.township, review.taskId, {
      decision: 'dismiss',
      comment: '经核实收入情况属实，异议不成立',
    });
    const enrolled = await statusReached(a.applicant, caseId, 'enrolled', UNTIL_ENROLLED_MS);
    const late = await a.village.post(`/api/cases/${caseId}/objections`, objection);

    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    expect(enrolled.stage).toBe('objection_review');
    expect(actionsOf(enrolled)).toEqual([
      ...REVIEWED_TO_PUBLICITY,
      'objection_filed',
      'publicity_ended',
      'task_opened',
      'decided',
    ]);
    expect(enrolled.timeline.at(-1)).toMatchObject({
      action: 'decided',
      decision: 'dismiss',
      stage: 'objection_review',
      data: { route: { target: 'end', status: 'enrolled' }, objectionIds: [filed.body.objectionId] },
    });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('conflict');
  }, 90_000);

  it('an objection outside publicity → 409, and the case goes on untouched', async () => {
    const { caseId } = await file(a.applicant, validHousehold(seq++));
    const task = await openTask(a.village, caseId, 'village_review');

    const early = await a.village.post(`/api/cases/${caseId}/objections`, objection);
    await decide(a.village, task.taskId, rejection('village_review'));
    const rejected = await statusReached(a.applicant, caseId, 'rejected');
    const noNotice = await noticeOf(rt, 'village', caseId);

    expect(early.status).toBe(409);
    expect(early.body.error.details).toEqual([{ path: 'case.stage', rule: 'in_publicity' }]);
    expect(actionsOf(rejected)).toEqual(['filed', 'task_opened', 'decided']);
    expect(noNotice.status).toBe(409);
  });

  it('wrong role → 403, other township → 404, bad body → 400; with no objection the case is enrolled', async () => {
    const { caseId } = await inPublicity();

    const county = await a.county.post(`/api/cases/${caseId}/objections`, objection);
    const applicant = await a.applicant.post(`/api/cases/${caseId}/objections`, objection);
    const outside = await a.township2.post(`/api/cases/${caseId}/objections`, objection);
    const invalid = await a.village.post(`/api/cases/${caseId}/objections`, {
      objector: { phone: '12' },
      content: '',
    });
    const outsideNotice = await noticeOf(rt, 'township2', caseId);
    const countyNotice = await noticeOf(rt, 'county', caseId);
    const enrolled = await statusReached(a.applicant, caseId, 'enrolled', UNTIL_ENROLLED_MS);

    expect(county.status).toBe(403);
    expect(applicant.status).toBe(403);
    expect(outside.status).toBe(404);
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'content',
      'objector.name',
      'objector.phone',
    ]);
    expect(outsideNotice.status).toBe(404);
    expect(countyNotice.status).toBe(200);
    expect(actionsOf(enrolled)).toEqual([...REVIEWED_TO_PUBLICITY, 'enrolled']);
    expect(enrolled.timeline.at(-1).data.openObjections).toBe(0);
  }, 90_000);
});
