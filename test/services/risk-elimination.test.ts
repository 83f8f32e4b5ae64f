import { beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../functions/core/errors.ts';
import { defaultPolicy } from '../../functions/core/policy.ts';
import { addDays, DAY_MS, localDate } from '../../functions/core/time.ts';
import { caseWithTimeline, fileApplication, fileCase } from '../../functions/services/cases.ts';
import { addMeasure, updateMeasure } from '../../functions/services/measures.ts';
import { riskEliminationPrecheck } from '../../functions/services/risk-elimination.ts';
import type { Evidence, Household } from '../../schemas/application.ts';
import { validHousehold } from '../support/fixtures.ts';
import { enrol } from './monitoring-seed.ts';
import { type ServiceWorld, serviceWorld, user } from './support.ts';

let w: ServiceWorld;
let n = 0;
beforeEach(async () => {
  w = await serviceWorld('2026-03-02T09:00:00.000+08:00');
});

const evidence: Evidence = {
  incomePerCapita12m: 9800,
  stableIncomeMonths: 8,
  twoAssurancesThreeGuarantees: true,
  safeDrinkingWater: true,
  narrative: '务工收入稳定，医疗费用已纳入保障。',
};

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
