import { z } from 'zod';
import { residentIdProblem } from './resident-id.ts';

/** The longest code, date or number a format check reads; every pattern here matches far shorter strings. */
const MAX_FORMATTED_CHARS = 64;

/**
 * A string matching `pattern`, failing with the named rule. Zod 4 keeps `params` (where API errors read the rule
 * from) only on refinements, so format checks are refinements; the length cap says in the OpenAPI document
 * that no field is unbounded.
 */
export const matching = (pattern: RegExp, ruleName: string, message: string) =>
  z
    .string()
    .max(MAX_FORMATTED_CHARS)
    .refine((s) => pattern.test(s), { message, params: { rule: ruleName } });

/**
 * An array of `min` to `max` items, failing with the named rule below `min` (`too_big` above `max`). Every
 * array a client sends has a `max`: zod checks the length before the items, so an oversized array costs one
 * issue, not one per item.
 */
export const atLeast = <T extends z.ZodType>(
  item: T,
  { min, max }: { min: number; max: number },
  ruleName: string,
  message: string,
) =>
  z
    .array(item)
    .max(max)
    .refine((a) => a.length >= min, { message, params: { rule: ruleName } });

export const ROLES = [
  'applicant',
  'village_reviewer',
  'township_reviewer',
  'county_reviewer',
  'auditor',
  'admin',
] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** Who did something: a user, or `system` for the workflow's steps. */
export const actorSchema = z.object({
  sub: z.string(),
  name: z.string(),
  role: z.union([roleSchema, z.literal('system')]),
});
export type Actor = z.infer<typeof actorSchema>;

/** 12-digit administrative division code of a village (统计用区划代码). */
export const villageCodeSchema = matching(/^\d{12}$/, 'village_code', 'must be 12 digits');
/** A jurisdiction: county (6), township (9) or village (12) digits. */
export const jurisdictionSchema = matching(
  /^(\d{6}|\d{9}|\d{12})$/,
  'jurisdiction_code',
  'must be 6, 9 or 12 digits',
);
export const countyCodeSchema = matching(/^\d{6}$/, 'county_code', 'must be 6 digits');

export const residentIdSchema = z
  .string()
  .max(MAX_FORMATTED_CHARS)
  .superRefine((id, ctx) => {
    const problem = residentIdProblem(id);
    if (problem) {
      ctx.addIssue({
        code: 'custom',
        message:
          problem === 'check_digit'
            ? 'GB 11643 check digit does not match'
            : problem === 'birth_date'
              ? 'digits 7-14 are not a valid birth date'
              : 'must be 17 digits followed by a digit or X',
        params: { rule: `resident_id_${problem}` },
      });
    }
  });

export const phoneSchema = matching(
  /^1\d{10}$|^0\d{2,3}-?\d{7,8}$/,
  'phone',
  'must be a mobile (11 digits) or landline number',
);

/** ISO 8601 timestamp with offset, as every API time is. */
export const isoDateTimeSchema = z.iso.datetime({ offset: true });
export const isoDateSchema = z.iso.date();
export const monthSchema = matching(/^\d{4}-(0[1-9]|1[0-2])$/, 'month', 'must be YYYY-MM');
