import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../functions/core/errors.ts';
import {
  addCalendarMonths,
  assertRiskFoundAt,
  eligibleForRiskElimination,
  type MonitoredCase,
  monitoringCounts,
  riskEliminationCheck,
  riskEliminationEligibleOn,
} from '../../functions/core/monitoring.ts';
import { addDays } from '../../functions/core/time.ts';

const dateArb = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

describe('addCalendarMonths: a month is a calendar month', () => {
  it.each([
    ['2026-08-31', 6, '2027-02-28'],
    ['2027-08-31', 6, '2028-02-29'],
    ['2026-01-31', 1, '2026-02-28'],
    ['2026-03-31', 1, '2026-04-30'],
    ['2026-07-15', 6, '2027-01-15'],
    ['2026-12-31', 6, '2027-06-30'],
    ['2026-06-30', 6, '2026-12-30'],
    ['2026-02-28', 12, '2027-02-28'],
    ['2028-02-29', 12, '2029-02-28'],
    ['2026-11-30', 3, '2027-02-28'],
  ])('%s + %i months = %s', (date, months, expected) => {
    expect(addCalendarMonths(date, months)).toBe(expected);
  });

  it('property: the same day of the month, or the target month’s last day when it has none', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 0, max: 36 }), (date, months) => {
        const [y, m, d] = date.split('-').map(Number) as [number, number, number];
        const out = addCalendarMonths(date, months);
        const [oy, om, od] = out.split('-').map(Number) as [number, number, number];
        expect((oy - y) * 12 + (om - m)).toBe(months);
        expect(od).toBe(Math.min(d, daysIn(oy, om)));
      }),
    );
  });
});

describe('eligibility for risk elimination, counted from enrolledAt in county time', () => {
  it('enrolled 31 Aug: eligible from 28 Feb (29 in a leap year), not the day before', () => {
    const enrolled = '2026-08-31T10:00:00.000+08:00';
    expect(riskEliminationEligibleOn(enrolled, 6)).toBe('2027-02-28');
    expect(eligibleForRiskElimination(enrolled, 6, Date.parse('2027-02-27T23:59:59+08:00'))).toBe(false);
    expect(eligibleForRiskElimination(enrolled, 6, Date.parse('2027-02-28T00:00:00+08:00'))).toBe(true);
    expect(riskEliminationEligibleOn('2027-08-31T10:00:00.000+08:00', 6)).toBe('2028-02-29');
  });

  it('an enrolment late in the evening UTC counts on the county’s date, across the year end', () => {
    // 2026-12-31T17:00Z is already 1 January 2027 in China Standard Time
    const enrolled = '2026-12-31T17:00:00.000Z';
    expect(riskEliminationEligibleOn(enrolled, 6)).toBe('2027-07-01');
    expect(eligibleForRiskElimination(enrolled, 6, Date.parse('2027-06-30T23:00:00+08:00'))).toBe(false);
    expect(eligibleForRiskElimination(enrolled, 6, Date.parse('2027-07-01T00:00:00+08:00'))).toBe(true);
  });

  it('another county offset moves the date the months count from', () => {
    const enrolled = '2026-08-31T20:00:00.000Z';
    expect(riskEliminationEligibleOn(enrolled, 6, 0)).toBe('2027-02-28');
    expect(riskEliminationEligibleOn(enrolled, 6)).toBe('2027-03-01');
  });
});

describe('riskFoundAt: not in the future, not before the previous case ended', () => {
  const ruleOf = (f: () => void) => {
    try {
      f();
      return undefined;
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      return (e as DomainError).details[0];
    }
  };

  it('today and the previous case’s last day are accepted; a day later or earlier is a 400 naming the rule', () => {
    expect(ruleOf(() => assertRiskFoundAt('2026-11-02', '2026-11-02'))).toBeUndefined();
    expect(ruleOf(() => assertRiskFoundAt('2026-11-03', '2026-11-02'))).toMatchObject({
      path: 'riskFoundAt',
      rule: 'not_in_future',
    });
    expect(ruleOf(() => assertRiskFoundAt('2026-10-01', '2026-11-02', '2026-10-01'))).toBeUndefined();
    expect(ruleOf(() => assertRiskFoundAt('2026-09-30', '2026-11-02', '2026-10-01'))).toMatchObject({
      path: 'riskFoundAt',
      rule: 'after_previous_case',
    });
  });
});

describe('monitoringCounts', () => {
  const now = Date.parse('2027-03-01T12:00:00+08:00');
  const at = (date: string) => `${date}T10:00:00.000+08:00`;

  it('counts a year as it ended: under monitoring, new, eliminated, returned, with a measure by then', () => {
    const cases: MonitoredCase[] = [
      { enrolledAt: at('2025-05-01'), personCount: 3, measurePlan: { firstImplementedAt: '2025-06-01' } },
      { enrolledAt: at('2026-02-01'), riskEliminatedAt: at('2026-12-31'), personCount: 2 },
      {
        enrolledAt: at('2026-03-01'),
        personCount: 4,
        previousCaseIds: ['c0'],
        measurePlan: { firstImplementedAt: '2027-01-05' },
      },
      { enrolledAt: at('2026-12-31'), personCount: 1, measurePlan: { firstImplementedAt: '2026-12-31' } },
      { enrolledAt: at('2027-01-02'), personCount: 5 },
    ];

    const y2026 = monitoringCounts(cases, '2026', now);

    expect(y2026).toEqual({
      enrolled: { households: 3, persons: 8 },
      newlyIdentified: { households: 3, persons: 7 },
      riskEliminated: { households: 1, persons: 2 },
      returnedToRisk: { households: 1, persons: 4 },
      withImplementedMeasure: { households: 2, share: 2 / 3 },
    });
    // the running year counts up to now
    expect(monitoringCounts(cases, '2027', now)).toMatchObject({
      enrolled: { households: 4, persons: 13 },
      newlyIdentified: { households: 1, persons: 5 },
      withImplementedMeasure: { households: 3, share: 3 / 4 },
    });
  });

  it('no monitored household: zero, and a share of 0', () => {
    expect(monitoringCounts([], '2026', now).withImplementedMeasure).toEqual({ households: 0, share: 0 });
  });
});

describe('riskEliminationCheck: the one rule set of a proposal and its pre-check', () => {
  const able = [{ ableToWork: true }];
  const at = (iso: string) => Date.parse(iso);
  const rules = (c: Parameters<typeof riskEliminationCheck>[0], now: string, months = 6) =>
    riskEliminationCheck(c, months, at(now)).failures.map((f) => f.rule);

  it.each([
    // enrolled, measure implemented, refused on, accepted on (county time)
    ['2026-08-31T10:00:00+08:00', '2026-10-01', '2027-02-27T23:59:00+08:00', '2027-02-28T00:01:00+08:00'],
    ['2027-08-31T10:00:00+08:00', '2027-10-01', '2028-02-28T12:00:00+08:00', '2028-02-29T08:00:00+08:00'],
    ['2026-12-31T17:00:00Z', '2027-02-01', '2027-06-30T23:00:00+08:00', '2027-07-01T00:30:00+08:00'],
    ['2026-07-31T09:00:00+08:00', '2026-08-15', '2027-01-30T09:00:00+08:00', '2027-01-31T09:00:00+08:00'],
  ])(
    'enrolled %s, a measure on %s: enrolled_months on %s, accepted on %s',
    (enrolledAt, measure, refused, accepted) => {
      const c = { enrolledAt, firstImplementedAt: measure, members: able };
      expect(rules(c, refused)).toEqual(['enrolled_months']);
      expect(rules(c, accepted)).toEqual([]);
    },
  );

  it('a measure implemented on the proposal day is too late; the day after it counts', () => {
    const c = { enrolledAt: '2026-01-10T10:00:00+08:00', firstImplementedAt: '2026-09-01', members: able };
    expect(rules(c, '2026-09-01T18:00:00+08:00')).toEqual(['measure_implemented']);
    expect(riskEliminationCheck(c, 6, at('2026-09-01T18:00:00+08:00')).eligibleFrom).toBe('2026-09-02');
    expect(rules(c, '2026-09-02T00:00:00+08:00')).toEqual([]);
  });

  it('names every failing rule at once, in order, and the later of the two dated days', () => {
    const check = riskEliminationCheck(
      {
        enrolledAt: '2026-03-02T10:00:00+08:00',
        members: [{ ableToWork: false }, {}],
        openCaseId: 'case_open',
      },
      6,
      at('2026-04-01T10:00:00+08:00'),
    );
    expect(check.failures.map((f) => [f.rule, f.path])).toEqual([
      ['enrolled_months', 'case.enrolledAt'],
      ['measure_implemented', 'case.measures'],
      ['no_labour', 'case.household.members'],
      ['open_case', 'case.openProposalId'],
    ]);
    expect(check).toMatchObject({ eligible: false, eligibleFrom: '2026-09-02' });
    const late = riskEliminationCheck(
      { enrolledAt: '2026-03-02T10:00:00+08:00', firstImplementedAt: '2026-10-10', members: able },
      6,
      at('2026-10-10T10:00:00+08:00'),
    );
    expect(late.eligibleFrom).toBe('2026-10-11');
  });

  it('property: accepted exactly from eligibleFrom on, for an able household with no other case', () => {
    fc.assert(
      fc.property(
        dateArb,
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: -5, max: 900 }),
        (enrolled, measureAfter, months, dayOffset) => {
          const c = {
            enrolledAt: `${enrolled}T12:00:00+08:00`,
            firstImplementedAt: addDays(enrolled, measureAfter),
            members: able,
          };
          const { eligibleFrom } = riskEliminationCheck(c, months, at(`${enrolled}T12:00:00+08:00`));
          const day = addDays(eligibleFrom, dayOffset);
          const check = riskEliminationCheck(c, months, at(`${day}T12:00:00+08:00`));
          expect(check.eligible).toBe(dayOffset >= 0);
        },
      ),
    );
  });
});
