import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { issuesToDetails } from '../../functions/core/decisions.ts';
import {
  countyCodeSchema,
  isoDateTimeSchema,
  jurisdictionSchema,
  monthSchema,
  phoneSchema,
  villageCodeSchema,
} from '../../schemas/common.ts';

const ruleOf = (schema: z.ZodType, input: unknown) => {
  const result = schema.safeParse(input);
  expect(result.success).toBe(false);
  return issuesToDetails(result.error!.issues)[0]!.rule;
};

describe('code and format schemas name their rule', () => {
  it.each([
    ['village code', villageCodeSchema, '611002100201', '61100210020', 'village_code'],
    ['jurisdiction', jurisdictionSchema, '611002100', '6110021', 'jurisdiction_code'],
    ['county code', countyCodeSchema, '611002', '611002100', 'county_code'],
    ['month', monthSchema, '2026-11', '2026-13', 'month'],
    ['phone', phoneSchema, '13800138000', '1380013800', 'phone'],
  ])('%s', (_label, schema, good, bad, rule) => {
    expect(schema.safeParse(good).success).toBe(true);
    expect(ruleOf(schema, bad)).toBe(rule);
  });

  it('jurisdiction accepts county, township and village codes only', () => {
    for (const code of ['611002', '611002100', '611002100201']) {
      expect(jurisdictionSchema.safeParse(code).success).toBe(true);
    }
    for (const code of ['', '61100', '6110021001', '6110021002010', '61100a']) {
      expect(jurisdictionSchema.safeParse(code).success).toBe(false);
    }
  });

  it('API times need an offset', () => {
    expect(isoDateTimeSchema.safeParse('2026-11-25T09:30:00.000+08:00').success).toBe(true);
    expect(isoDateTimeSchema.safeParse('2026-11-25T01:30:00Z').success).toBe(true);
    expect(isoDateTimeSchema.safeParse('2026-11-25T09:30:00').success).toBe(false);
  });
});
