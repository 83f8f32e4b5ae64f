import {
  type CalendarBody,
  type CalendarDay,
  type CalendarOverridesView,
  type CalendarQuery,
  type CalendarView,
  MAX_COUNTY_DATES,
} from '../../schemas/admin.ts';
import type { User } from '../../schemas/records.ts';
import { countyCalendar, officialCalendar, officialYear } from '../commons/holidays.ts';
import { adminCounty, calendarCounty } from '../core/access.ts';
import { weekdayCalendar } from '../core/calendar.ts';
import { conflict } from '../core/errors.ts';
import { addDays, localDate, toIso } from '../core/time.ts';
import type { CalendarItem } from '../store/calendar.ts';
import { actorOf } from './cases.ts';
import type { Deps } from './deps.ts';
import { retryOnStaleVersion } from './retry.ts';

type Entry = Omit<CalendarDay, 'kind'>;

/** What a day is, from whether it is worked and whether the weekday rule would work it. */
function kindOf({ date, working, name }: Entry): CalendarDay['kind'] {
  const weekend = !weekdayCalendar.isWorkingDay(date);
  if (working) return weekend ? 'make_up_workday' : 'workday';
  return weekend && !name ? 'rest_day' : 'holiday';
}

/** Every date of `year` the official schedule or the county's overrides set apart, in date order. */
function yearDays(year: number, overrides: Readonly<Record<string, boolean>>): CalendarDay[] {
  const byDate = new Map<string, Entry>(
    officialYear(year).days.map((d) => [d.date, { ...d, source: 'official' }]),
  );
  for (const [date, working] of Object.entries(overrides)) {
    if (!date.startsWith(`${year}-`)) continue;
    const name = byDate.get(date)?.name;
    byDate.set(date, {
      date,
      working,
      source: 'county',
      officialWorking: officialCalendar.isWorkingDay(date),
      ...(name ? { name } : {}),
    });
  }
  return [...byDate.values()]
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((d) => ({ ...d, kind: kindOf(d) }));
}

function workingDaysIn(year: number, overrides: Readonly<Record<string, boolean>>): number {
  const calendar = countyCalendar(overrides);
  let n = 0;
  for (let date = `${year}-01-01`; date.startsWith(`${year}-`); date = addDays(date, 1)) {
    if (calendar.isWorkingDay(date)) n++;
  }
  return n;
}

const lastChangeOf = (c: CalendarItem) => ({
  version: c.version,
  changedBy: c.changedBy,
  changedAt: c.changedAt,
  ...(c.comment ? { comment: c.comment } : {}),
});

/**
 * One year of the county's effective working-day calendar: the official holidays and make-up working days with
 * the county's overrides on top, each day saying where it came from, and whether the official schedule covers
 * the year at all (a year it does not cover needs the county to enter its holidays).
 */
export async function effectiveCalendar(deps: Deps, user: User, query: CalendarQuery): Promise<CalendarView> {
  const county = calendarCounty(user, query.county);
  const year = query.year ?? Number(localDate(deps.clock.now()).slice(0, 4));
  const stored = await deps.store.getCalendar(county);
  const overrides = stored?.dates ?? {};
  const days = yearDays(year, overrides);
  const { covered } = officialYear(year);
  return {
    county,
    year,
    coverage: {
      official: covered,
      countyEntries: days.filter((d) => d.source === 'county').length,
      note: covered
        ? `the official ${year} holiday schedule applies, with the county's entries on top`
        : `no official ${year} holiday schedule is known yet: only weekends are days off until the county enters ` +
          `the ${year} holidays and make-up working days`,
    },
    workingDays: workingDaysIn(year, overrides),
    days,
    ...(stored ? { lastChange: lastChangeOf(stored) } : {}),
  };
}

/**
 * Merges the body's dates into the county's overrides as one new version, logging who changed which dates.
 * A concurrent change makes this one re-read and merge again, so no date is lost. Due dates of tasks already
 * open stay as they are; tasks opened from a minute on (docs/domain.md §7) count with the new calendar.
 */
export async function changeCalendar(
  deps: Deps,
  user: User,
  body: CalendarBody,
): Promise<CalendarOverridesView> {
  const county = adminCounty(user, body.county);
  return retryOnStaleVersion(async () => {
    const stored = await deps.store.getCalendar(county);
    const dates = { ...stored?.dates };
    for (const [date, working] of Object.entries(body.dates)) {
      if (working === null) delete dates[date];
      else dates[date] = working;
    }
    if (Object.keys(dates).length > MAX_COUNTY_DATES) {
      throw conflict(`a county keeps at most ${MAX_COUNTY_DATES} dates of its own`, [
        {
          path: 'dates',
          rule: 'max_county_dates',
          message: 'drop dates (set them to null) before adding more',
        },
      ]);
    }
    const change = {
      county,
      version: (stored?.version ?? 0) + 1,
      changedBy: actorOf(user),
      changedAt: toIso(deps.clock.now()),
      ...(body.comment ? { comment: body.comment } : {}),
    };
    const item: CalendarItem = { ...change, dates };
    await deps.store.putCalendar(item, { ...change, dates: body.dates });
    return item;
  });
}
