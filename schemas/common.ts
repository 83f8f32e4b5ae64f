import { z } from 'zod';
import { residentIdProblem } from './resident-id.ts';

/** A zod issue's `params.rule` is the machine-readable rule named in API errors. */
export const rule = (name: string) => ({ params: { rule: name } });

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
export const villageCodeSchema = z
  .string()
  .regex(/^\d{12}$/, { message: 'must be 12 digits', ...rule('village_code') });
/** A jurisdiction: county (6), township (9) or village (12) digits. */
export const jurisdictionSchema = z
  .string()
  .regex(/^(\d{6}|\d{9}|\d{12})$/, { message: 'must be 6, 9 or 12 digits', ...rule('jurisdiction_code') });
export const countyCodeSchema = z
  .string()
  .regex(/^\d{6}$/, { message: 'must be 6 digits', ...rule('county_code') });

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

export const phoneSchema = z.string().regex(/^1\d{10}$|^0\d{2,3}-?\d{7,8}$/, {
  message: 'must be a mobile (11 digits) or landline number',
  ...rule('phone'),
});

/** ISO 8601 timestamp with offset, as every API time is. */
export const isoDateTimeSchema = z.iso.datetime({ offset: true });
export const isoDateSchema = z.iso.date();
export const monthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'must be YYYY-MM', ...rule('month') });
