import { z } from 'zod';
import { isoDateTimeSchema, phoneSchema } from './common.ts';
import { actorSchema } from './records.ts';

/** `POST /api/cases/{caseId}/objections`: who objects (phone optional, never shown) and what they say. */
export const objectionBodySchema = z.strictObject({
  objector: z.strictObject({
    name: z.string().trim().min(1).max(50),
    phone: phoneSchema.optional(),
  }),
  content: z.string().trim().min(1).max(4000),
});
export type ObjectionBody = z.infer<typeof objectionBodySchema>;

export const OBJECTION_STATUSES = ['open', 'upheld', 'dismissed'] as const;
export const objectionStatusSchema = z.enum(OBJECTION_STATUSES);
export type ObjectionStatus = z.infer<typeof objectionStatusSchema>;

/** An objection as the API returns it: the objector's name only, never their phone. */
export const objectionViewSchema = z.object({
  objectionId: z.string(),
  caseId: z.string(),
  status: objectionStatusSchema,
  objectorName: z.string(),
  content: z.string(),
  filedAt: isoDateTimeSchema,
  filedBy: actorSchema,
  resolvedAt: isoDateTimeSchema.optional(),
});
export type ObjectionView = z.infer<typeof objectionViewSchema>;
