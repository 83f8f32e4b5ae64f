import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deadline,
  weekdayCalendar,
  withOverrides,
  workingDaysBetween,
} from '../../functions/core/calendar.ts';
import { defaultPolicy } from '../../functions/core/policy.ts';
import { addDays, DAY_MS, localDate, startOfLocalDay } from '../../functions/core/time.ts';

/** An instant written in China Standard Time. */
const cst = (local: string) => Date.parse(`${local}+08:00`);

/**
 * National Day 2026 as an admin would enter it: 1–8 October are rest days and Saturday 10 October is a
 * make-up working day (调休); Sunday 20 September is one too.
 */
const nationalDay2026 = withOverrides(weekdayCalendar, {
  '2026-09-20': true,
  '2026-10-01': false,
  '2026-10-02': false,
  '2026-10-03': false,
  '2026-10-04': false,
  '2026-10-05': false,
  '2026-10-06': false,
  '2026-10-07': false,
  '2026-10-08': false,
  '2026-10-10': true,
});

describe('weekdayCalendar and withOverrides', () => {
  it('works Monday to Friday', () => {
    // 2026-11-23 is a Monday.
    const week = Array.from({ length: 7 }, (_, i) => weekdayCalendar.isWorkingDay(addDays('2026-11-23', i)));
    expect(week).toEqual([true, true, true, true, true, false, false]);
  });

  it('lets an override win over the base both ways, and falls back elsewhere', () => {
    expect(nationalDay2026.isWorkingDay('2026-10-01')).toBe(false); // Thursday, holiday
    expect(nationalDay2026.isWorkingDay('2026-10-10')).toBe(true); // Saturday, 调休
    expect(nationalDay2026.isWorkingDay('2026-10-03')).toBe(false); // Saturday, not listed
    expect(nationalDay2026.isWorkingDay('2026-10-09')).toBe(true); // Friday, not listed
    expect(nationalDay2026.isWorkingDay('2026-10-11')).toBe(false); // Sunday, not listed
  });
});

describe('deadline', () => {
  it('calendar days: exactly N × 24 h later, whatever the day', () => {
    const from = cst('2026-11-27T15:20:00');
    expect(deadline(from, { days: 5, unit: 'calendar' }, nationalDay2026)).toBe(from + 5 * DAY_MS);
    expect(deadline(from, { days: 0, unit: 'calendar' }, weekdayCalendar)).toBe(from);
  });

  it('working days: a Friday-afternoon start with 3 working days ends with Wednesday', () => {
    // Friday 2026-11-27 → Mon 30, Tue 1, Wed 2 December.
    const due = deadline(cst('2026-11-27T15:20:00'), { days: 3, unit: 'working' }, weekdayCalendar);
    expect(due).toBe(cst('2026-12-03T00:00:00'));
  });

  it('working days do not count the start day, even when it is a working morning', () => {
    const due = deadline(cst('2026-11-23T00:00:00'), { days: 1, unit: 'working' }, weekdayCalendar);
    expect(due).toBe(cst('2026-11-25T00:00:00'));
  });

  it('a weekend start counts from Monday', () => {
    const due = deadline(cst('2026-11-28T10:00:00'), { days: 1, unit: 'working' }, weekdayCalendar);
    expect(due).toBe(cst('2026-12-01T00:00:00'));
  });

  it('crosses the 2026 National Day holiday and counts the 调休 Saturday', () => {
    // Wednesday 30 September: 1–8 October rest; Fri 9 (1), Sat 10 调休 (2), Mon 12 (3).
    const due = deadline(cst('2026-09-30T16:45:00'), { days: 3, unit: 'working' }, nationalDay2026);
    expect(due).toBe(cst('2026-10-13T00:00:00'));
    // Without the holiday data it would fall due on Saturday's start.
    expect(deadline(cst('2026-09-30T16:45:00'), { days: 3, unit: 'working' }, weekdayCalendar)).toBe(
      cst('2026-10-06T00:00:00'),
    );
  });

  it('township verification (5 working days) opened before the holiday', () => {
    // Friday 25 September: Mon 28, Tue 29, Wed 30, Fri 9, Sat 10 (调休) → due at the end of 10 October.
    const limit = defaultPolicy('611002').limits.township_verification;
    expect(deadline(cst('2026-09-25T09:00:00'), limit, nationalDay2026)).toBe(cst('2026-10-11T00:00:00'));
  });

  it('counts the 调休 Sunday before the holiday', () => {
    // Saturday 19 September: Sun 20 (调休) is the first working day.
    expect(deadline(cst('2026-09-19T12:00:00'), { days: 1, unit: 'working' }, nationalDay2026)).toBe(
      cst('2026-09-21T00:00:00'),
    );
  });

  it('a CST evening start is that CST day, not the UTC one', () => {
    // 23:30 CST Friday is 15:30 UTC Friday; 00:30 CST Saturday is 16:30 UTC Friday.
    expect(deadline(cst('2026-11-27T23:30:00'), { days: 1, unit: 'working' }, weekdayCalendar)).toBe(
      cst('2026-12-01T00:00:00'),
    );
    expect(deadline(cst('2026-11-28T00:30:00'), { days: 1, unit: 'working' }, weekdayCalendar)).toBe(
      cst('2026-12-01T00:00:00'),
    );
    expect(deadline(cst('2026-11-26T23:59:59'), { days: 1, unit: 'working' }, weekdayCalendar)).toBe(
      cst('2026-11-28T00:00:00'),
    );
  });

  const instantArb = fc.integer({ min: cst('2020-01-01T00:00:00'), max: cst('2035-12-31T23:59:59') });
  const calendarArb = fc.constantFrom(weekdayCalendar, nationalDay2026);

  it('property: a working-day deadline is a local midnight ending the N-th working day after the start day', () => {
    fc.assert(
      fc.property(instantArb, fc.integer({ min: 1, max: 30 }), calendarArb, (from, days, calendar) => {
        const due = deadline(from, { days, unit: 'working' }, calendar);
        const lastDay = localDate(due - 1);
        expect(due).toBeGreaterThan(from);
        expect(startOfLocalDay(localDate(due))).toBe(due);
        expect(calendar.isWorkingDay(lastDay)).toBe(true);
        expect(workingDaysBetween(from, due - 1, calendar)).toBe(days);
      }),
    );
  });

  it('property: one more working day never ends earlier', () => {
    fc.assert(
      fc.property(instantArb, fc.integer({ min: 0, max: 30 }), calendarArb, (from, days, calendar) => {
        const a = deadline(from, { days, unit: 'working' }, calendar);
        const b = deadline(from, { days: days + 1, unit: 'working' }, calendar);
        expect(b).toBeGreaterThan(a);
      }),
    );
  });
});

describe('workingDaysBetween', () => {
  it.each([
    ['same instant', '2026-11-27T10:00:00', '2026-11-27T10:00:00', 0],
    ['same day', '2026-11-27T08:00:00', '2026-11-27T23:59:59', 0],
    ['Friday to Monday', '2026-11-27T17:00:00', '2026-11-30T09:00:00', 1],
    ['Friday to next Wednesday', '2026-11-27T15:20:00', '2026-12-02T09:00:00', 3],
    ['Friday to the Friday after', '2026-11-27T15:20:00', '2026-12-04T00:00:00', 5],
    ['backwards', '2026-12-02T09:00:00', '2026-11-27T15:20:00', 0],
  ])('%s', (_label, from, to, expected) => {
    expect(workingDaysBetween(cst(from), cst(to), weekdayCalendar)).toBe(expected);
  });

  it('counts across the National Day holiday with its 调休 days', () => {
    // 30 Sep → 12 Oct: Fri 9, Sat 10 (调休), Mon 12.
    expect(workingDaysBetween(cst('2026-09-30T09:00:00'), cst('2026-10-12T18:00:00'), nationalDay2026)).toBe(
      3,
    );
    // 18 Sep (Fri) → 30 Sep: Sun 20 (调休), 21–25, 28–30.
    expect(workingDaysBetween(cst('2026-09-18T09:00:00'), cst('2026-09-30T09:00:00'), nationalDay2026)).toBe(
      9,
    );
  });

  it('property: adds up over consecutive spans', () => {
    const arb = fc.integer({ min: cst('2024-01-01T00:00:00'), max: cst('2028-12-31T00:00:00') });
    fc.assert(
      fc.property(arb, arb, arb, (x, y, z) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p - q) as [number, number, number];
        expect(workingDaysBetween(a, b, nationalDay2026) + workingDaysBetween(b, c, nationalDay2026)).toBe(
          workingDaysBetween(a, c, nationalDay2026),
        );
      }),
      { numRuns: 50 },
    );
  });
});
