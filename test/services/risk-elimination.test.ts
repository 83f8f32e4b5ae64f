import { beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../functions/core/errors.ts';
import { defaultPolicy } from '../../functions/core/policy.ts';
import type { HumanStage, PlannedTask } from '../../functions/core/procedure.ts';
import { addDays, DAY_MS, localDate } from '../../functions/core/time.ts';
import {
  auditTrail,
  caseWithTimeline,
  fileApplication,
  fileCase,
  listCases,
  supplement,
  withdraw,
} from '../../functions/services/cases.ts';
import { addMeasure, updateMeasure } from '../../functions/services/measures.ts';
import { requestReexamination } from '../../functions/services/reexamination.ts';
import { riskEliminationPrecheck } from '../../functions/services/risk-elimination.ts';
import { decide } from '../../functions/services/tasks.ts';
import { closePublicity, openStage } from '../../functions/services/workflow.ts';
import type { Evidence, Household } from '../../schemas/application.ts';
import type { DecisionBody } from '../../schemas/decision.ts';
import { approval, proposalApproval, proposalEvidence } from '../support/decisions.ts';
import { validHousehold } from '../support/fixtures.ts';
import { enrol } from './monitoring-seed.ts';
import { type ServiceWorld, serviceWorld, user } from './support.ts';

let w: ServiceWorld;
let n = 0;
beforeEach(async () => {
  w = await serviceWorld('2026-03-02T09:00:00.000+08:00');
});

const evidence: Evidence = proposalEvidence;

/** An identification case filed by `by` and enrolled now. */
async function enrolledCase(household: Household = validHousehold(8000 + n++), by = 'village') {
  const { caseId } = await fileApplication(w.deps, user(by), { procedure: 'identification', household });
  await enrol(w, caseId, w.clock.ms);
  return caseId;
}

/** A measure on the case implemented on `day` (county time). */
async function implemented(caseId: string, day: string) {
  const m = await addMeasure(w.deps, user('village'), caseId, {
    type: 'employment',
    description: '推荐到县工业园区务工',
    responsibleCadre: { name: '王干部' },
    plannedAt: day,
  });
  await updateMeasure(w.deps, user('township'), caseId, m.measureId, {
    status: 'implemented',
    implementedAt: day,
    expectedVersion: m.version,
  });
}

const propose = (enrolledCaseId: string, by = 'village') =>
  fileCase(w.deps, user(by), { procedure: 'risk_elimination', enrolledCaseId, evidence });

const failure = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(DomainError);
  return { code: (e as DomainError).code, rules: (e as DomainError).details.map((d) => d.rule) };
};

const today = () => localDate(w.clock.ms);

describe('a risk-elimination proposal (风险消除) is refused naming every rule that fails', () => {
  it('enrolled today, nothing implemented, nobody able to work: three rules at once, and the pre-check agrees', async () => {
    // Arrange
    const h = validHousehold(8000 + n++);
    const caseId = await enrolledCase({ ...h, members: h.members.map((m) => ({ ...m, ableToWork: false })) });

    // Act
    const refused = await failure(propose(caseId));
    const check = await riskEliminationPrecheck(w.deps, user('village'), caseId);

    // Assert
    expect(refused).toEqual({
      code: 'conflict',
      rules: ['enrolled_months', 'measure_implemented', 'no_labour'],
    });
    expect(check).toEqual({
      eligible: false,
      eligibleFrom: '2026-09-02',
      failures: [
        expect.objectContaining({ rule: 'enrolled_months', path: 'case.enrolledAt' }),
        expect.objectContaining({ rule: 'measure_implemented', path: 'case.measures' }),
        expect.objectContaining({ rule: 'no_labour', path: 'case.household.members' }),
      ],
    });
    const { timeline } = await caseWithTimeline(w.deps, user('village'), caseId);
    expect(timeline.map((r) => r.action)).toEqual(['filed', 'enrolled']);
  });

  it('a measure implemented today is refused; the day after it is accepted', async () => {
    // Arrange: enrolled six months ago
    const caseId = await enrolledCase();
    w.clock.ms += 184 * DAY_MS;
    await implemented(caseId, today());

    // Act
    const sameDay = await failure(propose(caseId));
    const sameDayCheck = await riskEliminationPrecheck(w.deps, user('village'), caseId);
    w.clock.ms += DAY_MS;
    const next = await propose(caseId);

    // Assert
    expect(sameDay.rules).toEqual(['measure_implemented']);
    expect(sameDayCheck.eligibleFrom).toBe(today());
    expect(next.procedure).toBe('risk_elimination');
  });

  it('filed on the day six calendar months are up, not the day before', async () => {
    // Arrange: enrolled 2026-03-02, a measure implemented long before the eligible day
    const caseId = await enrolledCase();
    w.clock.ms += 10 * DAY_MS;
    await implemented(caseId, today());
    w.clock.ms = Date.parse('2026-09-01T23:30:00.000+08:00');

    // Act
    const early = await failure(propose(caseId));
    w.clock.ms = Date.parse('2026-09-02T00:10:00.000+08:00');
    const onTime = await propose(caseId);

    // Assert
    expect(early.rules).toEqual(['enrolled_months']);
    expect(onTime.status).toBe('open');
  });
});

describe('an accepted proposal', () => {
  it('is its own case at village review, copying the household; the enrolled case names it; a second is open_case', async () => {
    // Arrange
    const caseId = await enrolledCase();
    w.clock.ms += 200 * DAY_MS;
    await implemented(caseId, addDays(today(), -3));

    // Act
    const proposal = await propose(caseId);
    const again = await failure(propose(caseId));

    // Assert
    const enrolled = (await w.store.getCase(caseId))!;
    const stored = (await w.store.getCase(proposal.caseId))!;
    expect(proposal).toMatchObject({
      procedure: 'risk_elimination',
      status: 'open',
      stage: 'village_review',
      enrolledCaseId: caseId,
      evidence: { stableIncomeMonths: 8, twoAssurancesThreeGuarantees: true },
      householdId: enrolled.householdId,
    });
    expect(proposal.caseId).not.toBe(caseId);
    expect(stored.household).toEqual(enrolled.household);
    expect(stored.guards).toEqual([]);
    expect(stored.applicant).toEqual(enrolled.applicant);
    expect(enrolled).toMatchObject({ status: 'enrolled', openProposalId: proposal.caseId });
    expect(w.workflow.started.at(-1)).toMatchObject({
      procedure: 'risk_elimination',
      name: proposal.caseId,
      input: { caseId: proposal.caseId, route: { target: 'village_review' } },
    });
    expect(again).toEqual({ code: 'conflict', rules: ['open_case'] });
    const { timeline } = await caseWithTimeline(w.deps, user('village'), caseId);
    expect(timeline.at(-1)).toMatchObject({
      action: 'risk_elimination_proposed',
      data: { proposalId: proposal.caseId },
    });
  });

  it('the household itself may propose for its own case; another household, the township and strangers may not', async () => {
    // Arrange
    const own = await enrolledCase(validHousehold(8000 + n++), 'applicant');
    const cadres = await enrolledCase();
    w.clock.ms += 200 * DAY_MS;
    await implemented(own, addDays(today(), -1));
    await implemented(cadres, addDays(today(), -1));

    // Act
    const byHousehold = await propose(own, 'applicant');
    const byOtherApplicant = await failure(propose(cadres, 'applicant'));
    const byTownship = await failure(propose(cadres, 'township'));
    const byOtherVillage = await failure(propose(cadres, 'village2'));
    const unknown = await failure(propose('case_nope'));
    const ofProposal = await failure(propose(byHousehold.caseId));

    // Assert
    expect(byHousehold.enrolledCaseId).toBe(own);
    expect(byOtherApplicant.code).toBe('not_found');
    expect(byTownship.code).toBe('forbidden');
    expect(byOtherVillage.code).toBe('not_found');
    expect(unknown.code).toBe('not_found');
    expect(ofProposal).toEqual({ code: 'conflict', rules: ['enrolled'] });
  });

  it('a county policy of 12 months is the rule counted (riskElimination.minEnrolledMonths)', async () => {
    // Arrange
    const caseId = await enrolledCase();
    w.clock.ms += 200 * DAY_MS;
    await implemented(caseId, addDays(today(), -1));
    const county = '611002';
    await w.store.putPolicy({
      ...defaultPolicy(county),
      version: 1,
      riskElimination: { minEnrolledMonths: 12 },
      changedBy: { sub: 'admin', name: 'admin', role: 'admin' },
      changedAt: new Date(w.clock.ms).toISOString(),
    });

    // Act
    const check = await riskEliminationPrecheck(w.deps, user('village'), caseId);

    // Assert
    expect(check).toMatchObject({ eligible: false, eligibleFrom: '2027-03-02' });
    expect(check.failures.map((f) => f.rule)).toEqual(['enrolled_months']);
  });
});

/** The task the workflow was last handed (a start, or a decision's route), opened as its stage's step opens it. */
async function openPlanned(caseId: string, stage: HumanStage) {
  const sent = w.workflow.sent.at(-1)?.route;
  const started = w.workflow.started.at(-1)?.input.route;
  const route = (sent && 'task' in sent && sent.task ? sent : started) as { task: PlannedTask };
  await openStage(w.deps, caseId, stage, route.task, `token-${caseId}-${stage}-${w.workflow.sent.length}`);
  return route.task.taskId;
}

const approvalAt = (stage: HumanStage) => proposalApproval(stage, '2026-09-20') as DecisionBody;

/** An enrolled case eligible for a proposal today (enrolled 200 days ago, a measure implemented before today). */
async function eligibleCase() {
  const caseId = await enrolledCase();
  w.clock.ms += 200 * DAY_MS;
  await implemented(caseId, addDays(today(), -2));
  return caseId;
}

describe('the proposal through its stages (services, the workflow engine faked)', () => {
  it('approved at every stage and publicised: the proposal and the enrolled case read risk_eliminated, its people free again', async () => {
    // Arrange
    const h = validHousehold(8000 + n++);
    const enrolledId = await enrolledCase(h);
    w.clock.ms += 200 * DAY_MS;
    await implemented(enrolledId, addDays(today(), -2));
    const proposal = await propose(enrolledId);

    // Act
    for (const stage of ['village_review', 'township_verification', 'county_approval'] as const) {
      const taskId = await openPlanned(proposal.caseId, stage);
      await decide(
        w.deps,
        user(stage === 'village_review' ? 'village' : stage === 'county_approval' ? 'county' : 'township'),
        taskId,
        approvalAt(stage),
      );
    }
    const inPublicity = (await w.store.getCase(proposal.caseId))!;
    w.clock.ms = Date.parse(inPublicity.publicityEndsAt!) + 1000;
    const route = await closePublicity(w.deps, proposal.caseId);

    // Assert
    expect(route).toEqual({ target: 'end', status: 'risk_eliminated' });
    const ended = await caseWithTimeline(w.deps, user('village'), proposal.caseId);
    const enrolled = await caseWithTimeline(w.deps, user('village'), enrolledId);
    expect(ended).toMatchObject({ status: 'risk_eliminated', stage: 'publicity' });
    expect(ended.timeline.at(-1)!.action).toBe('risk_eliminated');
    expect(enrolled).toMatchObject({ status: 'risk_eliminated', riskEliminatedAt: ended.updatedAt });
    expect(enrolled.openProposalId).toBeUndefined();
    expect(enrolled.timeline.at(-1)).toMatchObject({
      action: 'risk_eliminated',
      data: { proposalId: proposal.caseId, status: 'risk_eliminated' },
    });
    expect((await auditTrail(w.deps, user('county'), enrolledId)).chain.valid).toBe(true);
    expect((await auditTrail(w.deps, user('county'), proposal.caseId)).chain.valid).toBe(true);
    // no whole-identification SLA milestone for a proposal
    const monitored = await w.store.monitoredCases('611002', '2099-01-01');
    expect(monitored.find((m) => m.caseId === enrolledId)).toMatchObject({
      status: 'risk_eliminated',
      riskEliminatedAt: ended.updatedAt,
    });
    expect(monitored.find((m) => m.caseId === proposal.caseId)).toBeUndefined();
    // re-entry (返贫): the people are free, and the new case links the identification case only
    w.clock.ms += 30 * DAY_MS;
    const again = await fileApplication(w.deps, user('village'), {
      procedure: 'identification',
      household: h,
    });
    expect(again.previousCaseIds).toEqual([enrolledId]);
  });

  it('rejected at township verification: the household stays enrolled, free for a later proposal; re-examined, it is the open case again', async () => {
    // Arrange
    const enrolledId = await eligibleCase();
    const proposal = await propose(enrolledId);
    await decide(
      w.deps,
      user('village'),
      await openPlanned(proposal.caseId, 'village_review'),
      approvalAt('village_review'),
    );
    const township = await openPlanned(proposal.caseId, 'township_verification');

    // Act
    const identificationDetails = await failure(
      decide(w.deps, user('township'), township, {
        ...(approval('township_verification') as DecisionBody),
        decision: 'reject',
        reason: '收入不稳定',
      }),
    );
    await decide(w.deps, user('township'), township, {
      ...approvalAt('township_verification'),
      decision: 'reject',
      reason: '务工收入尚不稳定',
    });
    const afterRejection = (await w.store.getCase(enrolledId))!;
    const reexamined = await requestReexamination(w.deps, user('village'), proposal.caseId, {
      reason: '已补充务工合同',
    });

    // Assert
    expect(identificationDetails.code).toBe('invalid_input');
    expect(identificationDetails.rules).toEqual(expect.arrayContaining(['unknown_field', 'invalid_value']));
    expect(afterRejection.status).toBe('enrolled');
    expect(afterRejection.openProposalId).toBeUndefined();
    expect(afterRejection.guards?.length).toBeGreaterThan(0);
    expect(reexamined).toMatchObject({ status: 'open', stage: 'reexamination' });
    expect((await w.store.getCase(enrolledId))!.openProposalId).toBe(proposal.caseId);
    expect(w.workflow.started.at(-1)).toMatchObject({ procedure: 'risk_elimination' });
  });

  it('withdrawn: the household stays enrolled and a new proposal is accepted', async () => {
    // Arrange
    const enrolledId = await eligibleCase();
    const proposal = await propose(enrolledId);
    await openPlanned(proposal.caseId, 'village_review');

    // Act
    const withdrawn = await withdraw(w.deps, user('village'), proposal.caseId, { reason: '暂缓申请' });
    const next = await propose(enrolledId);

    // Assert
    expect(withdrawn.status).toBe('withdrawn');
    const enrolled = await caseWithTimeline(w.deps, user('village'), enrolledId);
    expect(enrolled).toMatchObject({ status: 'enrolled', openProposalId: next.caseId });
    expect(enrolled.timeline.map((r) => r.action).slice(-3)).toEqual([
      'risk_elimination_proposed',
      'risk_elimination_ended',
      'risk_elimination_proposed',
    ]);
  });
});

describe('a returned proposal', () => {
  it('is supplemented with a note (its people stay with the enrolled case); household changes are a 400', async () => {
    // Arrange
    const enrolledId = await eligibleCase();
    const proposal = await propose(enrolledId);
    const taskId = await openPlanned(proposal.caseId, 'village_review');
    await decide(w.deps, user('village'), taskId, {
      decision: 'return',
      comment: '材料不全',
      missing: ['务工合同'],
    });

    // Act
    const changed = await failure(
      supplement(w.deps, user('village'), proposal.caseId, {
        note: '已补充',
        household: { address: '示范村二组' },
      }),
    );
    const noted = await supplement(w.deps, user('village'), proposal.caseId, { note: '已补充务工合同' });

    // Assert
    expect(changed).toEqual({ code: 'invalid_input', rules: ['not_on_proposal'] });
    expect(noted.status).toBe('open');
    expect((await w.store.getCase(proposal.caseId))!.guards).toEqual([]);
    expect((await w.store.getCase(enrolledId))!.guards?.length).toBeGreaterThan(0);
  });
});

describe('GET /api/cases?procedure=', () => {
  it('lists the proposals, or the identification cases, of the caller’s scope', async () => {
    // Arrange
    const enrolledId = await eligibleCase();
    const proposal = await propose(enrolledId);

    // Act
    const proposals = await listCases(w.deps, user('village'), { procedure: 'risk_elimination', limit: 100 });
    const identifications = await listCases(w.deps, user('township'), {
      procedure: 'identification',
      limit: 100,
    });
    const own = await listCases(w.deps, user('applicant'), { procedure: 'risk_elimination', limit: 100 });

    // Assert
    expect(proposals.items.map((c) => c.caseId)).toEqual([proposal.caseId]);
    expect(identifications.items.map((c) => c.caseId)).toEqual([enrolledId]);
    expect(own.items).toEqual([]);
  });
});
