/** The county calendar entity: the working-day overrides and every change of them, in the county's partition. */
import { z } from 'zod';
import { runningHandler } from '../commons/command-log.ts';
import { keys } from './keys.ts';
import { settingChangeItemSchema } from './policy.ts';
import type { EntitySchema, Table } from './table.ts';

export const CALENDAR_ENTITY = 'calendar';
export const CALENDAR_CHANGE_ENTITY = 'calendarChange';

/** A county's working-day overrides (date → working day?), with the latest change. */
export const calendarItemSchema = settingChangeItemSchema.extend({
  county: z.string(),
  version: z.number(),
  dates: z.record(z.string(), z.boolean()),
});
export type CalendarItem = z.infer<typeof calendarItemSchema>;
const CALENDAR: EntitySchema<CalendarItem> = { name: CALENDAR_ENTITY, schema: calendarItemSchema };

/** One change of the overrides as the admin sent it: `null` dropped a date back to the official schedule. */
export type CalendarChange = Omit<CalendarItem, 'dates'> & { dates: Record<string, boolean | null> };

/** The county's calendar overrides with their version and latest change. */
export const getCalendar = (table: Table, county: string): Promise<CalendarItem | undefined> =>
  table.get(CALENDAR, keys.calendar(county));

/**
 * How long a process counts due dates with overrides it has read: a change reaches every task opened from a
 * minute after it (at once in the process that made it). The overrides are read at every stage that opens, and
 * they change a few times a year (docs/domain.md §7).
 */
export const CALENDAR_CACHE_MS = 60_000;

/**
 * Overrides read, per table, county and handler module, with when they were read (`performance.now()`). On AWS
 * each function is its own process; the local runtime hosts every function in one, where each keeps its own
 * entries too, so each function reads (and is granted) what its Lambda would.
 */
const readOverrides = new WeakMap<
  Table,
  Map<string, Map<string, { at: number; dates: Promise<Record<string, boolean>> }>>
>();

const overridesOf = (table: Table, county: string) => {
  const counties = readOverrides.get(table) ?? new Map();
  readOverrides.set(table, counties);
  const handlers = counties.get(county) ?? new Map();
  counties.set(county, handlers);
  return handlers;
};

/** The county's overrides alone (none when the admin never set any), read at most once a minute. */
export const getCalendarOverrides = (table: Table, county: string): Promise<Record<string, boolean>> => {
  const kept = overridesOf(table, county);
  const handler = runningHandler() ?? '';
  const entry = kept.get(handler);
  if (entry && performance.now() - entry.at < CALENDAR_CACHE_MS) return entry.dates;
  const dates = getCalendar(table, county).then((item) => item?.dates ?? {});
  kept.set(handler, { at: performance.now(), dates });
  // a failed read is not kept: the next stage reads again
  dates.catch(() => {
    if (kept.get(handler)?.dates === dates) kept.delete(handler);
  });
  return dates;
};

/**
 * Replaces the county's overrides with `item` and logs `change`, in one transaction that holds only while
 * the stored overrides are still at `item.version - 1` (a 409 otherwise).
 */
export const putCalendar = async (
  table: Table,
  item: CalendarItem,
  change: CalendarChange,
): Promise<void> => {
  await table.putVersioned(
    { ...keys.calendar(item.county), entity: CALENDAR_ENTITY, ...item },
    { ...keys.calendarChange(item.county, item.version), entity: CALENDAR_CHANGE_ENTITY, ...change },
    item.version - 1,
    'calendar',
  );
  // every function of this process counts with the change at once
  readOverrides.get(table)?.delete(item.county);
};
