import { z } from 'zod';
import { countyCodeSchema, isoDateSchema, isoDateTimeSchema, matching } from './common.ts';
import { actorSchema } from './records.ts';

/** The longest limit a county may set: two months covers every stage and period the procedures know. */
export const MAX_LIMIT_DAYS = 60;
/** 村内公示不少于5天 (docs/domain.md §7): a county may post longer, never shorter. */
export const MIN_PUBLICITY_DAYS = 5;
/** One calendar request changes at most a year of dates. */
export const MAX_CALENDAR_DATES = 366;
/** A county keeps at most ten years of its own dates: the overrides are one item, and items have a size limit. */
export const MAX_COUNTY_DATES = 10 * MAX_CALENDAR_DATES;

/** A stage limit or period: N working days (工作日) or N calendar days. */
export const limitSchema = z.strictObject({
  days: z.int().min(1).max(MAX_LIMIT_DAYS),
  unit: z.enum(['working', 'calendar']),
});

/** The publicity period: a limit of at least MIN_PUBLICITY_DAYS days. */
export const publicityLimitSchema = limitSchema.refine((l) => l.days >= MIN_PUBLICITY_DAYS, {
  path: ['days'],
  message: `publicity lasts at least ${MIN_PUBLICITY_DAYS} days (村内公示不少于${MIN_PUBLICITY_DAYS}天)`,
  params: { rule: 'publicity_min_days' },
});

/** Why an admin changed a setting, kept with the version. */
export const commentSchema = z.string().trim().min(1).max(2000);

/** Who changed a county setting, when and why. */
export const settingChangeSchema = z.object({
  changedBy: actorSchema,
  changedAt: isoDateTimeSchema,
  comment: z.string().optional(),
});

/** `?county=`: a county code, the caller's own county when absent. */
export const countyQuerySchema = z.strictObject({ county: countyCodeSchema.optional() });

/** `GET /api/admin/calendar` */
export const calendarQuerySchema = countyQuerySchema.extend({
  year: matching(/^20\d\d$/, 'year', 'must be a year 2000-2099')
    .transform(Number)
    .optional(),
});
export type CalendarQuery = z.output<typeof calendarQuerySchema>;

/** Date → true (a working day) or false (a day off); null drops the county's entry (back to the official day). */
const datesSchema = z.record(z.string().max(10), z.boolean().nullable()).check(
  z.superRefine(
    (dates: Record<string, unknown>, ctx) => {
      const count = Object.keys(dates).length;
      if (count === 0 || count > MAX_CALENDAR_DATES) {
        ctx.addIssue({
          code: 'custom',
          message: `between 1 and ${MAX_CALENDAR_DATES} dates per request`,
          params: { rule: count === 0 ? 'min_dates' : 'max_dates' },
        });
      }
      for (const date of Object.keys(dates)) {
        if (!isoDateSchema.safeParse(date).success) {
          ctx.addIssue({
            code: 'custom',
            path: [date],
            message: 'must be a real date YYYY-MM-DD',
            params: { rule: 'date' },
          });
        }
      }
    },
    // Runs even when a value is bad, so one response names every bad date; not when `dates` is no object.
    { when: ({ value }) => typeof value === 'object' && value !== null && !Array.isArray(value) },
  ),
);

/** `PUT /api/admin/calendar`: merged into the county's overrides. */
export const calendarBodySchema = z.strictObject({
  county: countyCodeSchema.optional(),
  dates: datesSchema,
  comment: commentSchema.optional(),
});
export type CalendarBody = z.output<typeof calendarBodySchema>;

/** The county's overrides after a change. */
export const calendarOverridesSchema = settingChangeSchema.extend({
  county: z.string(),
  version: z.int(),
  dates: z.record(z.string(), z.boolean()),
});
export type CalendarOverridesView = z.infer<typeof calendarOverridesSchema>;

/**
 * A day the effective calendar treats apart from the weekday rule, names, or the county set. `kind`: holiday
 * (a day off that is a weekday or a named holiday), make_up_workday (调休: a working weekend day), workday and
 * rest_day (a county entry that keeps the weekday rule).
 */
export const calendarDaySchema = z.object({
  date: isoDateSchema,
  working: z.boolean(),
  kind: z.enum(['holiday', 'make_up_workday', 'workday', 'rest_day']),
  source: z.enum(['official', 'county']),
  name: z.string().optional(),
  /** on county entries: what the official schedule says of the date */
  officialWorking: z.boolean().optional(),
});
export type CalendarDay = z.infer<typeof calendarDaySchema>;

/** `GET /api/admin/calendar`: one year of the county's effective working-day calendar. */
export const calendarViewSchema = z.object({
  county: z.string(),
  year: z.int(),
  coverage: z.object({
    /** the official holiday schedule of the year is known; when false only the county's entries are */
    official: z.boolean(),
    countyEntries: z.int(),
    note: z.string(),
  }),
  workingDays: z.int(),
  days: z.array(calendarDaySchema),
  lastChange: settingChangeSchema.extend({ version: z.int() }).optional(),
});
export type CalendarView = z.infer<typeof calendarViewSchema>;
