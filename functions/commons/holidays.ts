import chineseDays from 'chinese-days';
import { type WorkCalendar, weekdayCalendar, withOverrides } from '../core/calendar.ts';
import { addDays } from '../core/time.ts';

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

/** A date the official schedule treats apart from the plain weekday rule, or names (a holiday period's weekend). */
export interface OfficialDay {
  date: string;
  working: boolean;
  /** the holiday's Chinese name (国庆节), on holidays and their make-up working days */
  name?: string;
}

const years = new Map<number, { covered: boolean; days: OfficialDay[] }>();

/**
 * The official schedule of `year`: its holidays and make-up working days (调休), and whether the package has the
 * year's schedule at all (`covered`). An uncovered year is weekdays only until a county enters its holidays.
 */
export function officialYear(year: number): { covered: boolean; days: OfficialDay[] } {
  let official = years.get(year);
  if (!official) {
    const days: OfficialDay[] = [];
    for (let date = `${year}-01-01`; date.startsWith(String(year)); date = addDays(date, 1)) {
      // The package names a scheduled day "English,中文,days" and any other day by its weekday.
      const detail = chineseDays.getDayDetail(date);
      const name = detail.name.split(',')[1];
      if (name !== undefined || detail.work !== weekdayCalendar.isWorkingDay(date)) {
        days.push({ date, working: detail.work, ...(name ? { name } : {}) });
      }
    }
    official = { covered: days.some((d) => d.name !== undefined), days };
    years.set(year, official);
  }
  return official;
}
