import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  daysOver,
  monthsBefore,
  monthsBetween,
  nearestRank,
  stats,
  summarize,
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
