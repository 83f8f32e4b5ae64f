import { z } from 'zod';
import { residentIdProblem } from './resident-id.ts';

/**
 * A string matching `pattern`, failing with the named rule. Zod 4 keeps `params` (where API errors read the rule
 * from) only on refinements, so format checks are refinements.
 */
export const matching = (pattern: RegExp, ruleName: string, message: string) =>
  z.string().refine((s) => pattern.test(s), { message, params: { rule: ruleName } });

/** An array of at least `min` items, failing with the named rule. */
export const atLeast = <T extends z.ZodType>(item: T, min: number, ruleName: string, message: string) =>
  z.array(item).refine((a) => a.length >= min, { message, params: { rule: ruleName } });

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

/** 12-digit administrative division code of a village (统计用区划代码). */
export const villageCodeSchema = matching(/^\d{12}$/, 'village_code', 'must be 12 digits');
/** A jurisdiction: county (6), township (9) or village (12) digits. */
export const jurisdictionSchema = matching(
  /^(\d{6}|\d{9}|\d{12})$/,
  'jurisdiction_code',
  'must be 6, 9 or 12 digits',
);
export const countyCodeSchema = matching(/^\d{6}$/, 'county_code', 'must be 6 digits');

export const residentIdSchema = z.string().superRefine((id, ctx) => {
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
