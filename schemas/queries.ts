import { z } from 'zod';
import { caseStatusSchema, procedureSchema, stageSchema } from './domain.ts';

/** Paging of every list route: an opaque cursor from the previous page, and a page size. */
export const pageQuerySchema = z.strictObject({
  cursor: z.string().min(1).max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** `GET /api/cases` */
export const caseListQuerySchema = pageQuerySchema.extend({
  status: caseStatusSchema.optional(),
  stage: stageSchema.optional(),
  /** identification cases or risk-elimination proposals only (contract v1.2) */
  procedure: procedureSchema.optional(),
});

/** A query-string flag: `true` or `false`. */
const flagSchema = z.enum(['true', 'false']).transform((v) => v === 'true');

/**
 * `GET /api/tasks`: the inbox, narrowed by `stage`, `procedure`, `overdue` (past due or not), `mine` (claimed by the caller);
 * `view=escalations` lists instead the overdue tasks of the level below inside the caller's jurisdiction.
 */
export const taskListQuerySchema = pageQuerySchema
  .extend({
    stage: stageSchema.optional(),
    /** identification's tasks or risk-elimination proposals' only (contract v1.2) */
    procedure: procedureSchema.optional(),
    overdue: flagSchema.optional(),
    mine: z
      .literal('true')
      .transform(() => true)
      .optional(),
    view: z.enum(['escalations']).optional(),
  })
  .refine((q) => !(q.view === 'escalations' && q.overdue === false), {
    path: ['overdue'],
    message: 'the escalations view lists overdue tasks only',
    params: { rule: 'escalations_overdue' },
  });
export type TaskListQuery = z.output<typeof taskListQuerySchema>;
