import { z } from 'zod';
import { isoDateSchema, isoDateTimeSchema, villageCodeSchema } from './common.ts';
import { caseStatusSchema, procedureSchema, stageSchema } from './domain.ts';

/** One case of a household's history (`GET /api/households/{householdId}/cases`): where it went, and when. */
export const householdCaseSchema = z.object({
  caseId: z.string(),
  procedure: procedureSchema,
  status: caseStatusSchema,
  stage: stageSchema,
  villageCode: villageCodeSchema,
  createdAt: isoDateTimeSchema,
  riskFoundAt: isoDateSchema.optional(),
  enrolledAt: isoDateTimeSchema.optional(),
  riskEliminatedAt: isoDateTimeSchema.optional(),
  closedAt: isoDateTimeSchema.optional(),
  previousCaseIds: z.array(z.string()).optional(),
});
export type HouseholdCase = z.infer<typeof householdCaseSchema>;
