import { z } from 'zod';
import { actorSchema, isoDateSchema, isoDateTimeSchema, phoneSchema } from './common.ts';

/** 帮扶措施的类型: 产业 · 就业 · 教育 · 健康 · 住房 · 兜底保障 · 小额信贷 · 其他. */
export const MEASURE_TYPES = [
  'industry',
  'employment',
  'education',
  'health',
  'housing',
  'social_security',
  'microcredit',
  'other',
] as const;
export const measureTypeSchema = z.enum(MEASURE_TYPES);
export type MeasureType = z.infer<typeof measureTypeSchema>;

/** `planned` → `implemented`, or `cancelled` with a reason; both ends are final. */
export const MEASURE_STATUSES = ['planned', 'implemented', 'cancelled'] as const;
export const measureStatusSchema = z.enum(MEASURE_STATUSES);
export type MeasureStatus = z.infer<typeof measureStatusSchema>;

const personNameSchema = z.string().trim().min(1).max(50);
const textSchema = (max: number) => z.string().trim().min(1).max(max);

/** The cadre responsible for a measure: a name, and a phone if given. */
export const responsibleCadreSchema = z.strictObject({
  name: personNameSchema,
  phone: phoneSchema.optional(),
});

/** `POST /api/cases/{caseId}/measures` */
export const measureBodySchema = z.strictObject({
  type: measureTypeSchema,
  description: textSchema(2000),
  responsibleCadre: responsibleCadreSchema,
  /** the day it is planned to be in place (YYYY-MM-DD, county time) */
  plannedAt: isoDateSchema,
  /** the household member it targets, by name as the household lists them */
  targetMember: personNameSchema.optional(),
});
export type MeasureBody = z.infer<typeof measureBodySchema>;

/**
 * `PATCH /api/cases/{caseId}/measures/{measureId}`: the version the caller read, and what changes. Implementing
 * needs `implementedAt`, cancelling a `reason`; `effect` may be noted on any measure not cancelled.
 */
export const measurePatchSchema = z
  .strictObject({
    status: z.enum(['implemented', 'cancelled']).optional(),
    implementedAt: isoDateSchema.optional(),
    effect: textSchema(2000).optional(),
    reason: textSchema(2000).optional(),
    expectedVersion: z.int().min(1),
  })
  .superRefine((p, ctx) => {
    const issue = (path: string, rule: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message, params: { rule } });
    if (p.status === 'implemented' && p.implementedAt === undefined) {
      issue('implementedAt', 'required_when_implemented', 'an implemented measure needs its date');
    }
    if (p.status !== 'implemented' && p.implementedAt !== undefined) {
      issue('implementedAt', 'only_when_implemented', 'set only with status implemented');
    }
    if (p.status === 'cancelled' && p.reason === undefined) {
      issue('reason', 'required_when_cancelled', 'a cancelled measure needs a reason');
    }
    if (p.status !== 'cancelled' && p.reason !== undefined) {
      issue('reason', 'only_when_cancelled', 'set only with status cancelled');
    }
    if (p.status === undefined && p.effect === undefined) {
      issue('status', 'nothing_to_change', 'give a status or an effect note');
    }
  });
export type MeasurePatch = z.infer<typeof measurePatchSchema>;

/** A measure as the API returns it; `overdue` once its planned day has passed and it is still planned. */
export const measureViewSchema = z.object({
  measureId: z.string(),
  caseId: z.string(),
  type: measureTypeSchema,
  description: z.string(),
  targetMember: z.string().optional(),
  responsibleCadre: z.object({ name: z.string(), phone: z.string().optional() }),
  plannedAt: isoDateSchema,
  implementedAt: isoDateSchema.optional(),
  effect: z.string().optional(),
  status: measureStatusSchema,
  cancelReason: z.string().optional(),
  overdue: z.boolean(),
  createdAt: isoDateTimeSchema,
  updatedAt: isoDateTimeSchema,
  version: z.int(),
});
export type MeasureView = z.infer<typeof measureViewSchema>;

/** `PUT /api/cases/{caseId}/contact`: the household's assistance contact (帮扶责任人). */
export const contactBodySchema = z.strictObject({
  name: personNameSchema,
  unit: textSchema(100),
  phone: phoneSchema,
});
export type ContactBody = z.infer<typeof contactBodySchema>;

/** The assistance contact as stored and shown: who, since when, set by whom (the phone masked in lists). */
export const contactViewSchema = z.object({
  name: z.string(),
  unit: z.string(),
  phone: z.string(),
  since: isoDateTimeSchema,
  setBy: actorSchema,
});
export type ContactView = z.infer<typeof contactViewSchema>;

/** How far the case's assistance plan stands: measures by status, and how many are overdue. */
export const measuresSummarySchema = z.object({
  planned: z.int(),
  implemented: z.int(),
  cancelled: z.int(),
  overdue: z.int(),
});
export type MeasuresSummary = z.infer<typeof measuresSummarySchema>;
