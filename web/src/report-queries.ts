/**
 * The dashboard's stage-timings reports as the page asks for them, and its default window: kept free of React and
 * of the pages (the boot asks for the default ones early, first-load.ts).
 */
import { withQuery } from './api/client.ts';
import type { Procedure } from './api/types.ts';

/** The procedure the dashboard's reports start with (they answer one at a time). */
export const DASHBOARD_PROCEDURE: Procedure = 'identification';

/** A window of `YYYY-MM` months, both included, in China Standard Time. */
export interface MonthWindow {
  from: string;
  to: string;
}

/** China Standard Time is UTC+8 all year (no daylight saving). */
const CST_OFFSET_MS = 8 * 3600_000;

/** The twelve months up to and including the one of `epochMs`, CST: the year an auditor reviews by default. */
export function lastTwelveMonths(epochMs: number): MonthWindow {
  const at = new Date(epochMs + CST_OFFSET_MS);
  const month = (back: number) => {
    const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - back, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  };
  return { from: month(11), to: month(0) };
}

export const STAGE_TIMINGS_PATH = '/api/reports/stage-timings';

/** The stage-timings query exactly as the dashboard asks it (the same keys in the same order). */
export const stageTimingsQuery = (
  county: string,
  months: MonthWindow,
  groupBy: string,
  procedure: Procedure,
) => ({
  county,
  from: months.from,
  to: months.to,
  groupBy,
  procedure,
});

/** The GETs of the dashboard's default reports at the server's `now`: the year by stage and by township. */
export const defaultStageTimings = (county: string, now: number): string[] =>
  ['stage', 'township'].map((groupBy) =>
    withQuery(
      STAGE_TIMINGS_PATH,
      stageTimingsQuery(county, lastTwelveMonths(now), groupBy, DASHBOARD_PROCEDURE),
    ),
  );
