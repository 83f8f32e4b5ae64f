import { beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../functions/core/errors.ts';
import { DAY_MS, parseIso } from '../../functions/core/time.ts';
import { caseWithTimeline, fileApplication } from '../../functions/services/cases.ts';
import { householdHistory } from '../../functions/services/households.ts';
import { milestonesReached } from '../../functions/services/milestones.ts';
import type { Household } from '../../schemas/application.ts';
import { validHousehold } from '../support/fixtures.ts';
import { eliminateRisk, enrol } from './monitoring-seed.ts';
import { type ServiceWorld, serviceWorld, user } from './support.ts';

let w: ServiceWorld;
let n = 0;
beforeEach(async () => {
  w = await serviceWorld('2026-03-02T09:00:00.000+08:00');
});

const file = (household: Household, riskFoundAt?: string) =>
  fileApplication(w.deps, user('village'), {
    procedure: 'identification',
    household,
    ...(riskFoundAt ? { riskFoundAt } : {}),
  });

const failure = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(DomainError);
  return { code: (e as DomainError).code, details: (e as DomainError).details };
};

describe('riskFoundAt', () => {
  it('defaults to the filing day; a day given is kept; a future day is a 400 naming it', async () => {
    const filed = await file(validHousehold(7000 + n++));
    const earlier = await file(validHousehold(7000 + n++), '2026-02-20');
    const future = await failure(file(validHousehold(7000 + n++), '2026-03-03'));

    expect(filed.riskFoundAt).toBe('2026-03-02');
    expect(earlier.riskFoundAt).toBe('2026-02-20');
    expect(future).toEqual({
      code: 'invalid_input',
      details: [expect.objectContaining({ path: 'riskFoundAt', rule: 'not_in_future' })],
    });
  });

  it('the 15-day identification SLA counts from the day the risk was found, not the filing', async () => {
    const filed = await file(validHousehold(7000 + n++), '2026-02-20');
    const c = (await w.store.getCase(filed.caseId))!;

    const [m] = (await milestonesReached(
      w.deps,
      c,
      {
        stage: 'county_approval',
        decision: 'approve',
        route: { target: 'publicity' },
      },
      c.createdAt,
    ))!;

    expect(m!.startedAt).toBe('2026-02-20T00:00:00.000+08:00');
    expect(parseIso(m!.dueAt!) - parseIso(m!.startedAt)).toBe(15 * DAY_MS);
  });
});

describe('re-entry (返贫): a household whose risk was eliminated is identified again', () => {
  it('the new case links the earlier one, keeps the household, and the history is one query away', async () => {
    // Arrange: identified, enrolled, risk eliminated
    const h = validHousehold(7000 + n++);
    const first = await file(h);
    await enrol(w, first.caseId, w.clock.ms + DAY_MS);
    w.clock.ms += 200 * DAY_MS;
    await eliminateRisk(w, first.caseId, w.clock.ms);
    w.clock.ms += 30 * DAY_MS;

    // Act
    const again = await file(h);

    // Assert
    expect(again.householdId).toBe(first.caseId);
    expect(again.previousCaseIds).toEqual([first.caseId]);
    const history = await householdHistory(w.deps, user('township'), first.caseId);
    expect(history.items.map((c) => [c.caseId, c.status])).toEqual([
      [first.caseId, 'risk_eliminated'],
      [again.caseId, 'open'],
    ]);
    expect(history.items[0]?.riskEliminatedAt).toBeDefined();
    const detail = await caseWithTimeline(w.deps, user('village'), again.caseId);
    expect(detail.previousCaseIds).toEqual([first.caseId]);
  });

  it('a member filed under a new head still finds the household and links its earlier case', async () => {
    const h = validHousehold(7000 + n++);
    const first = await file(h);
    await enrol(w, first.caseId, w.clock.ms);
    await eliminateRisk(w, first.caseId, w.clock.ms + 190 * DAY_MS);
    w.clock.ms += 200 * DAY_MS;
    const other = validHousehold(7000 + n++);

    const split = await file({ ...other, members: [...other.members, h.members[0]!] });

    expect(split.householdId).toBe(first.caseId);
    expect(split.previousCaseIds).toEqual([first.caseId]);
  });

  it('a risk found before the previous case ended is a 400 after_previous_case', async () => {
    const h = validHousehold(7000 + n++);
    const first = await file(h);
    await enrol(w, first.caseId, w.clock.ms);
    w.clock.ms += 200 * DAY_MS; // 2026-09-18
    await eliminateRisk(w, first.caseId, w.clock.ms);
    w.clock.ms += 10 * DAY_MS;

    const refused = await failure(file(h, '2026-09-17'));
    const accepted = await file(h, '2026-09-18');

    expect(refused.details).toEqual([
      expect.objectContaining({ path: 'riskFoundAt', rule: 'after_previous_case' }),
    ]);
    expect(accepted.riskFoundAt).toBe('2026-09-18');
  });

  it('while the household is still enrolled its people hold their guard: a new filing is a 409', async () => {
    const h = validHousehold(7000 + n++);
    const first = await file(h);
    await enrol(w, first.caseId, w.clock.ms);

    const refused = await failure(file(h));

    expect(refused.code).toBe('conflict');
    expect(refused.details[0]?.path).toBe('household.head.idNumber');
  });

  it('a household none of whose cases the caller may read is a 404', async () => {
    const first = await file(validHousehold(7000 + n++));

    expect((await failure(householdHistory(w.deps, user('township2'), first.caseId))).code).toBe('not_found');
    expect((await failure(householdHistory(w.deps, user('township'), 'case_unknown'))).code).toBe(
      'not_found',
    );
  });
});
