import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../functions/commons/clock.ts';
import { DAY_MS, localDate, toIso } from '../../functions/core/time.ts';
import { SYSTEM } from '../../functions/services/cases.ts';
import { sharedDeps } from '../../functions/services/deps.ts';
import type { Runtime } from '../../local/runtime.ts';
import { proposalApproval, proposalEvidence } from '../support/decisions.ts';
import { validHousehold } from '../support/fixtures.ts';
import { type ApiClient, eventually, loginAll, startTestRuntime } from '../support/runtime.ts';
import {
  type Actors,
  actionsOf,
  approveThrough,
  caseOf,
  decide,
  file,
  noticeOf,
  openTask,
  REVIEW_STAGES,
  rejection,
  returnForSupplement,
  reviewerOf,
  sendBack,
  statusReached,
  supplement,
  withdraw,
  workflowEnded,
} from '../support/scenario.ts';

/*
 * The risk-elimination state machine (风险消除), synthesized by CDK and run by the local runtime: every path a
 * proposal takes, from an enrolled identification case. At this scale 5 days of publicity pass in about 3.6
 * real seconds and a calendar month in about 22.
 */
const TIME_SCALE = 120_000;

let rt: Runtime;
let a: Actors & { admin: ApiClient };
let seq = 9100;

beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: TIME_SCALE });
  a = await loginAll(rt.url, ['applicant', 'village', 'township', 'county', 'admin']);
});
afterAll(() => rt?.stop());

const evidence = proposalEvidence;
const approvalOf = (stage: string) => proposalApproval(stage, '2026-11-05');

const today = () => localDate(systemClock.now());

/** An identification case filed by the applicant and taken through every stage and publicity to enrolled. */
async function enrolledCase(household = validHousehold(seq++)) {
  const { caseId } = await file(a.applicant, household);
  await approveThrough(a, caseId, REVIEW_STAGES);
  await statusReached(a.applicant, caseId, 'enrolled');
  return caseId;
}

/** A measure on the case, implemented on `day` (the township records it). */
async function implementMeasure(caseId: string, day: string) {
  const added = await a.village.post<{ measureId: string; version: number }>(
    `/api/cases/${caseId}/measures`,
    {
      type: 'employment',
      description: '推荐到县工业园区务工',
      responsibleCadre: { name: '王干部' },
      plannedAt: day,
    },
  );
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  const done = await a.township.patch(`/api/cases/${caseId}/measures/${added.body.measureId}`, {
    status: 'implemented',
    implementedAt: day,
    expectedVersion: added.body.version,
  });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
}

/**
 * An enrolled case past its six months with a measure implemented the day before: the enrolment is moved seven
 * months back on the record (what the months would have done), so each path need not wait for them.
 */
async function eligibleCase() {
  const caseId = await enrolledCase();
  const store = sharedDeps().store;
  const c = (await store.getCase(caseId))!;
  const at = toIso(systemClock.now());
  await store.apply({
    before: c,
    set: { enrolledAt: toIso(systemClock.now() - 214 * DAY_MS) },
    audit: { at, actor: SYSTEM, action: 'test_enrolment_backdated', stage: c.stage },
  });
  await implementMeasure(caseId, localDate(systemClock.now() - DAY_MS));
  return caseId;
}

async function propose(enrolledCaseId: string, by: ApiClient = a.village) {
  const res = await by.post<{ caseId: string }>('/api/cases', {
    procedure: 'risk_elimination',
    enrolledCaseId,
    evidence,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.caseId;
}

/** Approves the proposal at each of `stages`, the home visit with its confirmation of the evidence. */
async function approveProposal(caseId: string, stages: readonly string[]) {
  for (const stage of stages) {
    const task = await openTask(reviewerOf(a, stage), caseId, stage);
    await decide(reviewerOf(a, stage), task.taskId, approvalOf(stage));
  }
}

describe('risk elimination, executed locally on its own state machine', () => {
  it('enrolled → a measure implemented → the months pass → proposal → every stage → risk_eliminated → re-entry', async () => {
    // Arrange: a county that asks one month of monitoring; the household enrolled, a measure implemented
    const policy = (await a.admin.get<Record<string, unknown>>('/api/admin/policy')).body;
    const put = await a.admin.put('/api/admin/policy', {
      order: policy.order,
      villageVote: policy.villageVote,
      monitoringLine: policy.monitoringLine,
      limits: policy.limits,
      riskElimination: { minEnrolledMonths: 1 },
      expectedVersion: policy.version,
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const household = validHousehold(seq++);
    const enrolledId = await enrolledCase(household);
    await implementMeasure(enrolledId, today());

    // Act 1: refused while the month runs, the pre-check naming the day it ends
    const early = await a.village.post('/api/cases', {
      procedure: 'risk_elimination',
      enrolledCaseId: enrolledId,
      evidence,
    });
    const check = await a.applicant.get<{
      eligible: boolean;
      eligibleFrom: string;
      failures: { rule: string }[];
    }>(`/api/cases/${enrolledId}/risk-elimination-check`);
    expect(early.status).toBe(409);
    expect(
      (early.body as { error: { details: { rule: string }[] } }).error.details.map((d) => d.rule),
    ).toContain('enrolled_months');
    expect(check.body.eligible).toBe(false);

    // Act 2: the month passes (simulated time), the household proposes, every stage approves, publicity ends
    await eventually(
      async () => today() >= check.body.eligibleFrom || undefined,
      60_000,
      'the month to pass',
    );
    const ready = await a.applicant.get<{ eligible: boolean }>(
      `/api/cases/${enrolledId}/risk-elimination-check`,
    );
    const proposalId = await propose(enrolledId, a.applicant);
    const inbox = await openTask(a.village, proposalId, 'village_review');
    await decide(a.village, inbox.taskId, approvalOf('village_review'));
    await approveProposal(proposalId, ['township_verification', 'county_approval']);
    const ended = await statusReached(a.applicant, proposalId, 'risk_eliminated');

    // Assert: the proposal's path, the enrolled case ended with it, the notice named the procedure
    expect(ready.body.eligible).toBe(true);
    expect(actionsOf(ended)).toEqual([
      'proposed',
      'task_opened',
      'decided',
      'task_opened',
      'decided',
      'task_opened',
      'decided',
      'publicity_started',
      'risk_eliminated',
    ]);
    expect(await workflowEnded(rt, proposalId, 'risk_elimination')).toBe('SUCCEEDED');
    const enrolled = await caseOf(a.applicant, enrolledId);
    expect(enrolled).toMatchObject({ status: 'risk_eliminated', riskEliminatedAt: expect.any(String) });
    expect(enrolled.timeline.at(-1)).toMatchObject({ action: 'risk_eliminated', data: { proposalId } });
    const notice = await noticeOf(rt, 'applicant', proposalId);
    expect(await notice.text()).toContain('风险消除公示');
    const audit = await a.county.get<{ chain: { valid: boolean } }>(`/api/cases/${enrolledId}/audit`);
    expect(audit.body.chain.valid).toBe(true);

    // Re-entry (返贫): the same household is identified again, linking its earlier case
    const again = await file(a.applicant, household);
    const reentered = await caseOf(a.applicant, again.caseId);
    expect(reentered.previousCaseIds).toEqual([enrolledId]);
    const history = await a.village.get<{ items: { caseId: string; procedure: string }[] }>(
      `/api/households/${reentered.householdId}/cases`,
    );
    expect(history.body.items.map((c) => [c.caseId, c.procedure])).toEqual([
      [enrolledId, 'identification'],
      [proposalId, 'risk_elimination'],
      [again.caseId, 'identification'],
    ]);
  });

  it('returned at village review, supplemented, sent back by the township, then rejected by the county: the household stays enrolled', async () => {
    // Arrange
    const enrolledId = await eligibleCase();
    const proposalId = await propose(enrolledId);

    // Act
    const first = await openTask(a.village, proposalId, 'village_review');
    await decide(a.village, first.taskId, returnForSupplement);
    await statusReached(a.village, proposalId, 'returned');
    expect((await supplement(a.applicant, proposalId, { note: '已补充务工合同' })).status).toBe(200);
    await approveProposal(proposalId, ['village_review']);
    const township = await openTask(a.township, proposalId, 'township_verification');
    await decide(a.township, township.taskId, sendBack('village_review'));
    await approveProposal(proposalId, ['village_review', 'township_verification']);
    const county = await openTask(a.county, proposalId, 'county_approval');
    await decide(a.county, county.taskId, rejection('county_approval'));
    const rejected = await statusReached(a.village, proposalId, 'rejected');

    // Assert
    expect(actionsOf(rejected)).toContain('supplemented');
    expect(await workflowEnded(rt, proposalId, 'risk_elimination')).toBe('SUCCEEDED');
    const enrolled = await caseOf(a.village, enrolledId);
    expect(enrolled.status).toBe('enrolled');
    expect(enrolled.openProposalId).toBeUndefined();
    expect(enrolled.timeline.at(-1)).toMatchObject({
      action: 'risk_elimination_ended',
      data: { status: 'rejected' },
    });
  });

  it('a rejected proposal re-examined and overturned goes back to the rejecting stage, then on to risk_eliminated', async () => {
    // Arrange
    const enrolledId = await eligibleCase();
    const proposalId = await propose(enrolledId);
    const village = await openTask(a.village, proposalId, 'village_review');
    await decide(a.village, village.taskId, rejection('village_review'));
    await statusReached(a.village, proposalId, 'rejected');

    // Act
    const asked = await a.applicant.post(`/api/cases/${proposalId}/reexamination`, {
      reason: '已有稳定务工收入',
    });
    const review = await openTask(a.township, proposalId, 'reexamination');
    await decide(a.township, review.taskId, { decision: 'overturn', comment: '收入证明属实，重新评议' });
    await approveProposal(proposalId, REVIEW_STAGES);
    const ended = await statusReached(a.village, proposalId, 'risk_eliminated');

    // Assert
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(actionsOf(ended)).toContain('reexamination_requested');
    expect((await caseOf(a.village, enrolledId)).status).toBe('risk_eliminated');
  });

  it('an objection during publicity: dismissed by the township, the risk is eliminated', async () => {
    // Arrange
    const enrolledId = await eligibleCase();
    const proposalId = await propose(enrolledId);
    await approveProposal(proposalId, REVIEW_STAGES);
    await eventually(
      async () => (await caseOf(a.village, proposalId)).stage === 'publicity' || undefined,
      20_000,
      'publicity',
    );

    // Act
    const objected = await a.village.post(`/api/cases/${proposalId}/objections`, {
      objector: { name: '刘七' },
      content: '该户务工收入并不稳定。',
    });
    const review = await openTask(a.township, proposalId, 'objection_review');
    await decide(a.township, review.taskId, { decision: 'dismiss', comment: '经核实，异议不成立' });
    const ended = await statusReached(a.village, proposalId, 'risk_eliminated');

    // Assert
    expect(objected.status, JSON.stringify(objected.body)).toBe(201);
    expect(actionsOf(ended)).toContain('objection_filed');
    expect((await caseOf(a.village, enrolledId)).status).toBe('risk_eliminated');
  });

  it('withdrawn during review, or for want of a supplement: the household stays enrolled', async () => {
    // Arrange
    const [firstId, secondId] = await Promise.all([eligibleCase(), eligibleCase()]);
    const withdrawnId = await propose(firstId);
    const unsupplementedId = await propose(secondId);
    await openTask(a.village, withdrawnId, 'village_review');
    const task = await openTask(a.village, unsupplementedId, 'village_review');

    // Act: one withdrawn by the household, one returned and never supplemented (15 days pass)
    expect((await withdraw(a.applicant, withdrawnId)).status).toBe(200);
    await decide(a.village, task.taskId, returnForSupplement);
    await statusReached(a.village, unsupplementedId, 'withdrawn', 60_000);

    // Assert
    for (const [proposalId, enrolledId] of [
      [withdrawnId, firstId],
      [unsupplementedId, secondId],
    ] as const) {
      expect(await workflowEnded(rt, proposalId!, 'risk_elimination')).toBe('SUCCEEDED');
      const enrolled = await caseOf(a.village, enrolledId!);
      expect(enrolled).toMatchObject({ status: 'enrolled' });
      expect(enrolled.openProposalId).toBeUndefined();
    }
  });
});
