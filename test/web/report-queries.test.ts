import { describe, expect, it } from 'vitest';
import { withQuery } from '../../web/src/api/client.ts';
import { defaultStageTimings, lastTwelveMonths, STAGE_TIMINGS_PATH } from '../../web/src/report-queries.ts';

describe("the dashboard's default window", () => {
  it('is the twelve months up to the current one in China Standard Time', () => {
    expect(lastTwelveMonths(Date.parse('2026-11-30T10:00:00+08:00'))).toEqual({
      from: '2025-12',
      to: '2026-11',
    });
    // 16:30 UTC on the last day of November is already December in Beijing
    expect(lastTwelveMonths(Date.parse('2026-11-30T16:30:00Z'))).toEqual({ from: '2026-01', to: '2026-12' });
    expect(lastTwelveMonths(Date.parse('2027-01-01T00:00:00+08:00'))).toEqual({
      from: '2026-02',
      to: '2027-01',
    });
  });

  it('is asked for by stage and by township, identification first', () => {
    expect(defaultStageTimings('611002', Date.parse('2026-11-30T10:00:00+08:00'))).toEqual(
      ['stage', 'township'].map((groupBy) =>
        withQuery(STAGE_TIMINGS_PATH, {
          county: '611002',
          from: '2025-12',
          to: '2026-11',
          groupBy,
          procedure: 'identification',
        }),
      ),
    );
  });
});
