/** The county calendar entity: the working-day overrides and every change of them, in the county's partition. */
import { z } from 'zod';
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

/** The county's overrides alone: none when the admin never set any. */
export const getCalendarOverrides = async (table: Table, county: string): Promise<Record<string, boolean>> =>
  (await getCalendar(table, county))?.dates ?? {};

/**
 * Replaces the county's overrides with `item` and logs `change`, in one transaction that holds only while
 * the stored overrides are still at `item.version - 1` (a 409 otherwise).
 */
export const putCalendar = (table: Table, item: CalendarItem, change: CalendarChange): Promise<void> =>
  table.putVersioned(
    { ...keys.calendar(item.county), entity: CALENDAR_ENTITY, ...item },
    { ...keys.calendarChange(item.county, item.version), entity: CALENDAR_CHANGE_ENTITY, ...change },
    item.version - 1,
    'calendar',
  );
