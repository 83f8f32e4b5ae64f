import { z } from 'zod';
import { caseStatusSchema, stageSchema } from './domain.ts';

/** Paging of every list route: an opaque cursor from the previous page, and a page size. */
export const pageQuerySchema = z.strictObject({
  cursor: z.string().min(1).max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** `GET /api/cases` */
export const caseListQuerySchema = pageQuerySchema.extend({
  status: caseStatusSchema.optional(),
  stage: stageSchema.optional(),
});

/** `GET /api/tasks` */
export const taskListQuerySchema = pageQuerySchema;
