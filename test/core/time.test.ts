import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  CST_OFFSET_MS,
  localDate,
  localMonth,
  parseIso,
  startOfLocalDay,
  toIso,
} from '../../functions/core/time.ts';
import { isoDateTimeSchema } from '../../schemas/common.ts';

// Years 1970–2199: every instant the system stores.
const instantArb = fc.integer({ min: 0, max: Date.UTC(2199, 11, 31, 23, 59, 59, 999) });
const dateArb = fc
  .date({ min: new Date('1970-01-02T00:00:00Z'), max: new Date('2199-12-30T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('toIso', () => {
  it('writes China Standard Time with the +08:00 offset', () => {
    expect(toIso(Date.parse('2026-11-25T01:30:00Z'))).toBe('2026-11-25T09:30:00.000+08:00');
    expect(toIso(Date.parse('2026-12-31T16:00:00Z'))).toBe('2027-01-01T00:00:00.000+08:00');
    expect(toIso(0)).toBe('1970-01-01T08:00:00.000+08:00');
  });

  it('property: always ends with +08:00, is an API timestamp, and round-trips through parseIso', () => {
    fc.assert(
      fc.property(instantArb, (ms) => {
        const iso = toIso(ms);
        expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+08:00$/);
        expect(isoDateTimeSchema.safeParse(iso).success).toBe(true);
        expect(parseIso(iso)).toBe(ms);
      }),
    );
  });

  it('property: sorts like the instants it writes', () => {
    fc.assert(
      fc.property(instantArb, instantArb, (a, b) => {
        expect(Math.sign(toIso(a).localeCompare(toIso(b)))).toBe(Math.sign(a - b));
      }),
    );
  });
});

describe('parseIso', () => {
  it('reads any offset', () => {
    expect(parseIso('2026-11-25T09:30:00+08:00')).toBe(Date.parse('2026-11-25T01:30:00Z'));
    expect(parseIso('2026-11-25T01:30:00.000Z')).toBe(Date.parse('2026-11-25T01:30:00Z'));
  });

  it.each(['', 'yesterday', '2026-13-45T99:00:00Z'])('throws on %j', (bad) => {
    expect(() => parseIso(bad)).toThrow(/not an ISO timestamp/);
  });
});

describe('localDate and localMonth near midnight CST', () => {
  it.each([
    ['2026-11-24T15:59:59.999Z', '2026-11-24'],
    ['2026-11-24T16:00:00.000Z', '2026-11-25'],
    ['2026-11-25T00:00:00.000Z', '2026-11-25'],
    ['2025-12-31T15:59:59.999Z', '2025-12-31'],
    ['2025-12-31T16:00:00.000Z', '2026-01-01'],
    ['2028-02-28T16:00:00.000Z', '2028-02-29'],
  ])('%s is %s in China', (utc, expected) => {
    expect(localDate(Date.parse(utc))).toBe(expected);
  });

  it('rolls the month at CST midnight', () => {
    expect(localMonth(Date.parse('2026-10-31T15:59:59.999Z'))).toBe('2026-10');
    expect(localMonth(Date.parse('2026-10-31T16:00:00.000Z'))).toBe('2026-11');
  });

  it('property: localDate is the date part of toIso', () => {
    fc.assert(
      fc.property(instantArb, (ms) => {
        expect(localDate(ms)).toBe(toIso(ms).slice(0, 10));
        expect(localMonth(ms)).toBe(toIso(ms).slice(0, 7));
      }),
    );
  });
});

describe('startOfLocalDay and addDays', () => {
  it('local midnight is 16:00 UTC the day before', () => {
    expect(startOfLocalDay('2026-10-01')).toBe(Date.parse('2026-09-30T16:00:00Z'));
    expect(toIso(startOfLocalDay('2026-10-01'))).toBe('2026-10-01T00:00:00.000+08:00');
  });

  it.each([
    ['2026-11-30', 1, '2026-12-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2027-02-28', 1, '2027-03-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-10-01', 0, '2026-10-01'],
    ['2026-01-01', 365, '2027-01-01'],
  ] as const)('%s + %i = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it('property: a local day starts where the previous one ends', () => {
    fc.assert(
      fc.property(dateArb, (date) => {
        const start = startOfLocalDay(date);
        expect(localDate(start)).toBe(date);
        expect(localDate(start - 1)).toBe(addDays(date, -1));
        expect(startOfLocalDay(addDays(date, 1)) - start).toBe(24 * 3600_000);
        expect((start + CST_OFFSET_MS) % (24 * 3600_000)).toBe(0);
      }),
    );
  });

  it('property: addDays is invertible and additive', () => {
    fc.assert(
      fc.property(
        dateArb,
        fc.integer({ min: -400, max: 400 }),
        fc.integer({ min: -400, max: 400 }),
        (d, a, b) => {
          expect(addDays(addDays(d, a), -a)).toBe(d);
          expect(addDays(addDays(d, a), b)).toBe(addDays(d, a + b));
        },
      ),
    );
  });
});
