/** China Standard Time: UTC+8 all year, no daylight saving. Every API time is shown in it. */
export const CST_OFFSET_MS = 8 * 3600_000;
export const DAY_MS = 86_400_000;

/** ISO 8601 with the +08:00 offset, e.g. 2026-11-25T09:30:00.000+08:00. */
export function toIso(ms: number): string {
  return `${new Date(ms + CST_OFFSET_MS).toISOString().slice(0, -1)}+08:00`;
}

export const parseIso = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`not an ISO timestamp: ${iso}`);
  return ms;
};

/** The calendar date (YYYY-MM-DD) of an instant at `offsetMs` from UTC (a county's time zone). */
export const dateAt = (ms: number, offsetMs: number): string =>
  new Date(ms + offsetMs).toISOString().slice(0, 10);

/** The local (CST) calendar date of an instant, YYYY-MM-DD. */
export const localDate = (ms: number): string => dateAt(ms, CST_OFFSET_MS);

/** The China Standard Time year of an ISO instant: `"2026"`. */
export const localYear = (iso: string): string => localDate(parseIso(iso)).slice(0, 4);

/** The local (CST) month of an instant, YYYY-MM. */
export const localMonth = (ms: number): string => localDate(ms).slice(0, 7);

/** The instant local midnight starts on `date` (YYYY-MM-DD). */
export function startOfLocalDay(date: string): number {
  return Date.parse(`${date}T00:00:00.000+08:00`);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
