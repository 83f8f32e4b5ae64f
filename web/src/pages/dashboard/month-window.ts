/** The dashboard's month window: `YYYY-MM` months in China Standard Time, at most MAX_MONTHS long. */
import type { MonthWindow } from '../../report-queries.ts';

export { lastTwelveMonths, type MonthWindow } from '../../report-queries.ts';

/** The reports answer windows of at most 24 months (the API's own limit). */
export const MAX_MONTHS = 24;

/** Months from `from` to `to`, both included (0 when `to` precedes `from`). */
export function monthsIn({ from, to }: MonthWindow): number {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  return Math.max(0, (ty - fy) * 12 + (tm - fm) + 1);
}
