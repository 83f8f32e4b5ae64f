/** The dashboard's month window: `YYYY-MM` months in China Standard Time, at most MAX_MONTHS long. */
import type { Dayjs } from 'dayjs';

/** The reports answer windows of at most 24 months (the API's own limit). */
export const MAX_MONTHS = 24;

export interface MonthWindow {
  from: string;
  to: string;
}

/** The twelve months up to and including the current one, CST: the year an auditor reviews by default. */
export function lastTwelveMonths(now: Dayjs): MonthWindow {
  return { from: now.subtract(11, 'month').format('YYYY-MM'), to: now.format('YYYY-MM') };
}

/** Months from `from` to `to`, both included (0 when `to` precedes `from`). */
export function monthsIn({ from, to }: MonthWindow): number {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  return Math.max(0, (ty - fy) * 12 + (tm - fm) + 1);
}
