import { z } from 'zod';
import { countyCodeSchema, isoDateSchema, matching } from './common.ts';

/** `GET /api/reports/monitoring` */
export const monitoringQuerySchema = z.strictObject({
  county: countyCodeSchema.optional(),
  year: matching(/^20\d{2}$/, 'year', 'must be a year, YYYY'),
});
export type MonitoringQuery = z.output<typeof monitoringQuerySchema>;

const householdCountSchema = z.object({ households: z.number().int(), persons: z.number().int() });
export const monitoringReportSchema = z.object({
  county: z.string(),
  year: z.string(),
  /** the counts stand as of this time: the year's end, or now while it runs */
  asOf: z.string(),
  enrolled: householdCountSchema,
  newlyIdentified: householdCountSchema,
  riskEliminated: householdCountSchema,
  returnedToRisk: householdCountSchema,
  withImplementedMeasure: z.object({ households: z.number().int(), share: z.number() }),
});
export type MonitoringReport = z.infer<typeof monitoringReportSchema>;

/** `GET /api/cases/{caseId}/risk-elimination-check`: the proposal's rules on an enrolled case today. */
export const riskEliminationCheckSchema = z.object({
  /** a proposal made now passes every rule */
  eligible: z.boolean(),
  /** the first day (county time) the dated rules (months enrolled, a measure implemented the day before) allow one */
  eligibleFrom: isoDateSchema,
  /** every rule that fails now, as a refused proposal names them */
  failures: z.array(
    z.object({
      rule: z.enum(['enrolled_months', 'measure_implemented', 'no_labour', 'open_case']),
      path: z.string(),
      message: z.string(),
    }),
  ),
});
