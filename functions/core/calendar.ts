import { addDays, DAY_MS, localDate, startOfLocalDay } from './time.ts';

/** Which local dates are working days (工作日), holidays and make-up working days (调休) included. */
export interface WorkCalendar {
  isWorkingDay(date: string): boolean;
}

/** Plain weekdays: the fallback when no holiday data covers a date. */
export const weekdayCalendar: WorkCalendar = {
  isWorkingDay: (date) => {
    const day = new Date(`${date}T00:00:00Z`).getUTCDay();
    return day !== 0 && day !== 6;
  },
};

/** `base` with dates the admin set explicitly (true: working, false: rest) taking precedence. */
export function withOverrides(
  base: WorkCalendar,
  overrides: Readonly<Record<string, boolean>>,
): WorkCalendar {
  return { isWorkingDay: (date) => overrides[date] ?? base.isWorkingDay(date) };
}

export interface Limit {
  days: number;
  unit: 'working' | 'calendar';
}

/**
 * When a limit that starts at `fromMs` runs out.
 * Calendar days: exactly N×24 h later. Working days: the end (24:00 CST) of the N-th working day after the
 * day it starts on, so a task opened on Friday afternoon with 3 working days is due at Wednesday's end.
 */
export function deadline(fromMs: number, limit: Limit, calendar: WorkCalendar): number {
  if (limit.unit === 'calendar') return fromMs + limit.days * DAY_MS;
  let date = localDate(fromMs);
  let counted = 0;
  while (counted < limit.days) {
    date = addDays(date, 1);
    if (calendar.isWorkingDay(date)) counted++;
  }
  return startOfLocalDay(addDays(date, 1));
}

/** Working days elapsed between two instants: whole working days after the start day up to the end day. */
export function workingDaysBetween(fromMs: number, toMs: number, calendar: WorkCalendar): number {
  let date = localDate(fromMs);
  const end = localDate(toMs);
  let n = 0;
  while (date < end) {
    date = addDays(date, 1);
    if (calendar.isWorkingDay(date)) n++;
  }
  return n;
}
