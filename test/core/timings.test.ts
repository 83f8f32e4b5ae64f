import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countyCalendar } from '../../functions/commons/holidays.ts';
import { deadline, weekdayCalendar, workingDaysBetween } from '../../functions/core/calendar.ts';
import { defaultPolicy } from '../../functions/core/policy.ts';
import { addDays, toIso } from '../../functions/core/time.ts';
import {
  breached,
  daysOver,
  isSettledMonth,
  MONTH_SETTLE_MS,
  milestonesOf,
  monthCount,
  monthsBefore,
  monthsBetween,
  nearestRank,
  samplesOf,
  stats,
  summarize,
  summarizeSamples,
  type TimingRow,
} from '../../functions/core/timings.ts';

const H = 3_600_000;

describe('nearestRank', () => {
  it('takes the value at rank ⌈p·n⌉ of the sorted values', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

    expect(nearestRank(sorted, 50)).toBe(5);
    expect(nearestRank(sorted, 90)).toBe(9);
    expect(nearestRank(sorted, 95)).toBe(10);
    expect(nearestRank([7], 50)).toBe(7);
    expect(nearestRank([1, 2, 3], 50)).toBe(2);
  });

  it('always returns an observed value, monotone in p', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1e9 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 99 }),
        (values, p) => {
          const sorted = [...values].sort((a, b) => a - b);
          const v = nearestRank(sorted, p);
          expect(values).toContain(v);
          expect(nearestRank(sorted, p + 1)).toBeGreaterThanOrEqual(v);
          // at least p% of the values are ≤ the p-th percentile
          expect(sorted.filter((x) => x <= v).length / sorted.length).toBeGreaterThanOrEqual(p / 100);
        },
      ),
    );
  });
});

describe('stats', () => {
  it('reports hours, the mean included', () => {
    expect(stats([1 * H, 3 * H, 2 * H, 10 * H])).toEqual({ p50: 2, p90: 10, p95: 10, max: 10, mean: 4 });
  });

  it('selects exactly the nearest ranks a sort gives, whatever the order and however many repeats', () => {
    const hours = (ms: number) => Math.round((ms / H) * 10_000) / 10_000;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(fc.integer({ min: 0, max: 1e10 }), { minLength: 1, maxLength: 3000 }),
          // few distinct values: the partition's equal-to-pivot paths
          fc.array(
            fc.integer({ min: 0, max: 4 }).map((d) => d * H),
            { minLength: 1, maxLength: 3000 },
          ),
        ),
        (values) => {
          const sorted = [...values].sort((a, b) => a - b);
          expect(stats(values)).toEqual({
            p50: hours(nearestRank(sorted, 50)),
            p90: hours(nearestRank(sorted, 90)),
            p95: hours(nearestRank(sorted, 95)),
            max: hours(sorted[sorted.length - 1]!),
            mean: hours(sorted.reduce((s, v) => s + v, 0) / sorted.length),
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('summarize', () => {
  const row = (stage: string, village: string, opened: string, hours: number, claimAfter?: number) => {
    const o = Date.parse(opened);
    return {
      stage,
      villageCode: village,
      openedAt: opened,
      ...(claimAfter !== undefined ? { claimedAt: new Date(o + claimAfter * H).toISOString() } : {}),
      decidedAt: new Date(o + hours * H).toISOString(),
      dueAt: new Date(o + 24 * H).toISOString(),
    } satisfies TimingRow;
  };
  const rows = [
    row('township_verification', '611002100201', '2026-11-30T10:00:00+08:00', 30, 5),
    row('village_review', '611002100201', '2026-11-02T10:00:00+08:00', 4, 1),
    row('village_review', '611002101202', '2026-11-02T10:00:00+08:00', 8),
  ];

  it('groups by stage in the given order, counting breaches and splitting queue and work time', () => {
    const groups = summarize(rows, 'stage', ['village_review', 'township_verification']);

    expect(groups.map((g) => [g.key, g.count, g.breaches])).toEqual([
      ['village_review', 2, 0],
      ['township_verification', 1, 1],
    ]);
    expect(groups[0]!.queue).toMatchObject({ p50: 1, max: 8, mean: 4.5 });
    expect(groups[0]!.work).toMatchObject({ p50: 0, max: 3 });
    expect(groups[1]!.duration.p95).toBe(30);
  });

  it('groups by township and by decision month (China Standard Time)', () => {
    expect(summarize(rows, 'township').map((g) => [g.key, g.count])).toEqual([
      ['611002100', 2],
      ['611002101', 1],
    ]);
    expect(summarize(rows, 'month').map((g) => [g.key, g.count])).toEqual([
      ['2026-11', 2],
      ['2026-12', 1],
    ]);
  });
});

describe('monthsBetween', () => {
  it('lists every month across a year end, inclusive', () => {
    expect(monthsBetween('2026-11', '2027-02')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(monthsBetween('2026-11', '2026-10')).toEqual([]);
    expect(monthsBetween('9999-11', '9999-12')).toEqual(['9999-11', '9999-12']);
  });

  it('counts a span without walking it', () => {
    expect(monthCount('0000-01', '9999-12')).toBe(120_000);
    expect(monthCount('2026-11', '2027-02')).toBe(4);
    expect(monthCount('2026-11', '2026-10')).toBe(0);
  });
});

describe('daysOver and monthsBefore', () => {
  it('counts a started day as a day over, never below zero', () => {
    const due = '2026-11-06T00:00:00.000+08:00';

    expect(daysOver(due, Date.parse(due) + 1)).toBe(1);
    expect(daysOver(due, Date.parse(due) + 2 * 86_400_000)).toBe(2);
    expect(daysOver(due, Date.parse(due) - 1)).toBe(0);
  });

  it('steps back across a year end', () => {
    expect(monthsBefore('2026-02', 11)).toBe('2025-03');
    expect(monthsBefore('2026-12', 0)).toBe('2026-12');
  });
});

describe('working-day SLAs across the 2026 National Day holiday (official schedule)', () => {
  /** The official schedule as the chinese-days package publishes it, no county overrides. */
  const official = countyCalendar({});
  const cst = (local: string) => Date.parse(`${local}+08:00`);
  const policy = defaultPolicy('611002');
  /** A completed stage as the timing index holds it: due date from the limit and the official calendar. */
  const stage = (name: 'village_review' | 'township_verification', opened: string, decided: string) => {
    const openedMs = cst(opened);
    return {
      stage: name,
      villageCode: '611002100201',
      openedAt: toIso(openedMs),
      decidedAt: toIso(cst(decided)),
      dueAt: toIso(deadline(openedMs, policy.limits[name], official)),
    } satisfies TimingRow;
  };

  it('knows the schedule: 1–7 October off, Sunday 20 September and Saturday 10 October worked (调休)', () => {
    const days = Array.from({ length: 24 }, (_, i) => addDays('2026-09-19', i));
    const working = days.filter((d) => official.isWorkingDay(d));

    expect(working).toEqual([
      '2026-09-20', // Sunday, 调休
      '2026-09-21',
      '2026-09-22',
      '2026-09-23',
      '2026-09-24',
      // Friday 25 September: Mid-Autumn Festival
      '2026-09-28',
      '2026-09-29',
      '2026-09-30',
      // 1–7 October: National Day
      '2026-10-08',
      '2026-10-09',
      '2026-10-10', // Saturday, 调休
      '2026-10-12',
    ]);
  });

  it('a village review opened the afternoon before the holiday is due at the end of the 调休 Saturday', () => {
    // Wed 30 Sep 16:45, 3 working days: Thu 8, Fri 9, Sat 10 October.
    const onTime = stage('village_review', '2026-09-30T16:45:00', '2026-10-10T17:00:00');
    const late = stage('village_review', '2026-09-30T16:45:00', '2026-10-12T09:00:00');

    expect(onTime.dueAt).toBe(toIso(cst('2026-10-11T00:00:00')));
    expect(breached(onTime)).toBe(false);
    expect(breached(late)).toBe(true);
    // 8, 9, 10 and 12 October: the holiday week and Sunday 11 count for nothing
    expect(workingDaysBetween(Date.parse(late.openedAt), Date.parse(late.decidedAt), official)).toBe(4);
  });

  it('a township verification spanning Mid-Autumn and National Day counts 5 working days, breaches counted', () => {
    // Thu 24 Sep: Mon 28, Tue 29, Wed 30, Thu 8, Fri 9 October → due when Saturday 10 October starts.
    const late = stage('township_verification', '2026-09-24T10:00:00', '2026-10-10T10:00:00');
    const onTime = stage('township_verification', '2026-09-24T10:00:00', '2026-10-09T18:00:00');

    expect(late.dueAt).toBe(toIso(cst('2026-10-10T00:00:00')));
    const [group] = summarize([late, onTime], 'stage');
    expect(group).toMatchObject({ key: 'township_verification', count: 2, breaches: 1 });
    // Without the holidays the same stage would have been due on 2 October.
    expect(deadline(Date.parse(late.openedAt), policy.limits.township_verification, weekdayCalendar)).toBe(
      cst('2026-10-02T00:00:00'),
    );
  });

  it('the whole-case limit (15 calendar days) runs through the holiday unchanged', () => {
    const filed = cst('2026-09-28T09:00:00');

    expect(deadline(filed, policy.limits.wholeIdentification, official)).toBe(cst('2026-10-13T09:00:00'));
  });
});

describe('milestonesOf', () => {
  const enrolled = { target: 'end', status: 'enrolled' } as const;

  it('a county approval or rejection is the county decision; a return or send-back is not', () => {
    expect(
      milestonesOf({ stage: 'county_approval', decision: 'approve', route: { target: 'publicity' } }),
    ).toEqual(['county_decision']);
    expect(
      milestonesOf({
        stage: 'county_approval',
        decision: 'reject',
        route: { target: 'end', status: 'rejected' },
      }),
    ).toEqual(['county_decision']);
    expect(
      milestonesOf({
        stage: 'county_approval',
        decision: 'return',
        route: { target: 'await_supplement', stage: 'county_approval' },
      }),
    ).toEqual([]);
    expect(
      milestonesOf({
        stage: 'township_verification',
        decision: 'approve',
        route: { target: 'county_approval' },
      }),
    ).toEqual([]);
  });

  it('enrolment at the end of publicity, or both at once where county approval is the last stage', () => {
    expect(milestonesOf({ stage: 'publicity', route: enrolled })).toEqual(['enrolled']);
    expect(milestonesOf({ stage: 'objection_review', decision: 'dismiss', route: enrolled })).toEqual([
      'enrolled',
    ]);
    expect(milestonesOf({ stage: 'county_approval', decision: 'approve', route: enrolled })).toEqual([
      'county_decision',
      'enrolled',
    ]);
  });
});

describe('samples: a report from stored samples equals one from the records', () => {
  const VILLAGES = ['611002100201', '611002100202', '611002101202'];
  const STAGES = ['village_review', 'township_verification'];
  const START = Date.parse('2026-10-20T00:00:00+08:00');
  /** Rows opened over ~3 months, some claimed, some late: minute-exact, as the API records them. */
  const rowArb = fc
    .record({
      stage: fc.constantFrom(...STAGES),
      villageCode: fc.constantFrom(...VILLAGES),
      openedMin: fc.integer({ min: 0, max: 90 * 24 * 60 }),
      claimMin: fc.option(fc.integer({ min: 0, max: 10 * 24 * 60 })),
      workMin: fc.integer({ min: 0, max: 20 * 24 * 60 }),
      dueMin: fc.integer({ min: 0, max: 15 * 24 * 60 }),
    })
    .map((r): TimingRow => {
      const opened = START + r.openedMin * 60_000;
      const claimed = r.claimMin === null ? undefined : opened + r.claimMin * 60_000;
      return {
        stage: r.stage,
        villageCode: r.villageCode,
        openedAt: toIso(opened),
        ...(claimed !== undefined ? { claimedAt: toIso(claimed) } : {}),
        decidedAt: toIso((claimed ?? opened) + r.workMin * 60_000),
        dueAt: toIso(opened + r.dueMin * 60_000),
      };
    });

  it('holds one sample per (stage, township, decision month), every row in exactly one', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 80 }), (rows) => {
        const samples = samplesOf(rows);

        const ids = samples.map((s) => `${s.stage}|${s.township}|${s.month}`);
        expect(new Set(ids).size).toBe(ids.length);
        expect(samples.reduce((n, s) => n + s.queueMs.length, 0)).toBe(rows.length);
        expect(samples.reduce((n, s) => n + s.breaches, 0)).toBe(rows.filter(breached).length);
        for (const s of samples) expect(s.workMs).toHaveLength(s.queueMs.length);
      }),
    );
  });

  it('gives the same groups however the rows were split into stored samples', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(rowArb, fc.integer({ min: 0, max: 3 })), { maxLength: 80 }),
        fc.constantFrom('stage' as const, 'township' as const, 'month' as const),
        (tagged, by) => {
          const rows = tagged.map(([row]) => row);
          // each batch is what one stored partition, or one report's read, would hold
          const batches = [0, 1, 2, 3].map((b) => tagged.filter(([, t]) => t === b).map(([row]) => row));

          const fromSamples = summarizeSamples(batches.flatMap(samplesOf), by, STAGES);

          expect(fromSamples).toEqual(summarize(rows, by, STAGES));
        },
      ),
    );
  });

  it('skips an empty sample (a stored partition with no records)', () => {
    const empty = { stage: 'village_review', township: '611002100', month: '2026-11', breaches: 0 };

    expect(summarizeSamples([{ ...empty, queueMs: [], workMs: [] }], 'stage')).toEqual([]);
  });
});

describe('isSettledMonth', () => {
  const november = '2026-11';
  const decemberStarts = Date.parse('2026-12-01T00:00:00+08:00');

  it('settles a month once it has been over for MONTH_SETTLE_MS, in China Standard Time', () => {
    expect(isSettledMonth(november, decemberStarts)).toBe(false);
    expect(isSettledMonth(november, decemberStarts + MONTH_SETTLE_MS - 1)).toBe(false);
    expect(isSettledMonth(november, decemberStarts + MONTH_SETTLE_MS)).toBe(true);
    expect(isSettledMonth('2026-12', Date.parse('2027-01-02T00:00:00+08:00'))).toBe(true);
    expect(isSettledMonth('2026-12', Date.parse('2027-01-01T23:59:59+08:00'))).toBe(false);
  });
});
