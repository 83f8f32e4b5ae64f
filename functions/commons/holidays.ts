import chineseDays from 'chinese-days';
import { type WorkCalendar, withOverrides } from '../core/calendar.ts';

const cache = new Map<string, boolean>();

/**
 * The official schedule (holidays and 调休 make-up working days) as published in the `chinese-days` package.
 * Years the package does not know yet fall back to weekdays inside the package; a county's admin overrides
 * any date through the calendar API, so a stale package never blocks a county.
 */
export const officialCalendar: WorkCalendar = {
  isWorkingDay(date) {
    let working = cache.get(date);
    if (working === undefined) {
      working = chineseDays.isWorkday(date);
      cache.set(date, working);
    }
    return working;
  },
};

/** The official schedule with a county's overrides on top. */
export const countyCalendar = (overrides: Readonly<Record<string, boolean>>): WorkCalendar =>
  withOverrides(officialCalendar, overrides);
