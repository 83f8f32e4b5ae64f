import { z } from 'zod';
import { evidenceSchema } from './application.ts';
import {
  actorSchema,
  isoDateSchema,
  isoDateTimeSchema,
  jurisdictionSchema,
  roleSchema,
  villageCodeSchema,
} from './common.ts';
import {
  caseStatusSchema,
  decisionKindSchema,
  procedureSchema,
  stageSchema,
  taskStatusSchema,
} from './domain.ts';
import { contactViewSchema, measuresSummarySchema } from './measure.ts';

/**
 * Why a case is in `error`: a code and a plain message for everyone who may see the case; the cause (type and
 * message of the failure, never a stack trace or a file path) only for admins and auditors.
 */
export const caseErrorViewSchema = z.object({
  code: z.string(),
  message: z.string(),
  at: isoDateTimeSchema,
  cause: z.string().optional(),
});
export type CaseErrorView = z.infer<typeof caseErrorViewSchema>;

/** A case as the API returns it: household ID numbers masked, no tokens. */
export const caseViewSchema = z.object({
  caseId: z.string(),
  procedure: procedureSchema,
  status: caseStatusSchema,
  stage: stageSchema,
  villageCode: villageCodeSchema,
  household: z.record(z.string(), z.unknown()),
  createdAt: isoDateTimeSchema,
  updatedAt: isoDateTimeSchema,
  version: z.int(),
  openTaskId: z.string().optional(),
  publicityEndsAt: isoDateTimeSchema.optional(),
  policyVersion: z.int(),
  /** the stage order of the policy the case started with (`standard`, `publicity_after_village`) */
  stageOrder: z.string(),
  error: caseErrorViewSchema.optional(),
  /** set once the applicant asked for the re-examination of a rejection: a second request is refused */
  reexaminationRequestedAt: isoDateTimeSchema.optional(),
  /** the household's income lies above its filing year's monitoring line (it carries a justification) */
  aboveMonitoringLine: z.object({ year: z.int(), line: z.number() }).optional(),
  /** the day the risk was found (county time); the identification SLA counts from it */
  riskFoundAt: isoDateSchema.optional(),
  enrolledAt: isoDateTimeSchema.optional(),
  /** when monitoring ended (风险消除) */
  riskEliminatedAt: isoDateTimeSchema.optional(),
  /** the household's history: `GET /api/households/{householdId}/cases` */
  householdId: z.string().optional(),
  /** the household's earlier cases, oldest first: it fell back into risk (返贫) */
  previousCaseIds: z.array(z.string()).optional(),
  /** the assistance contact (帮扶责任人); the phone masked in lists */
  contact: contactViewSchema.optional(),
  /** the assistance plan: measures by status and how many are overdue */
  measuresSummary: measuresSummarySchema,
  /** on an enrolled case: its risk-elimination proposal under way (风险消除) */
  openProposalId: z.string().optional(),
  /** on a risk-elimination proposal: the enrolled case it proposes to end */
  enrolledCaseId: z.string().optional(),
  /** on a risk-elimination proposal: what it rests on */
  evidence: evidenceSchema.optional(),
});
export type CaseView = z.infer<typeof caseViewSchema>;

export const taskViewSchema = z.object({
  taskId: z.string(),
  caseId: z.string(),
  /** its case's procedure (contract v1.2); a task stored before tasks kept it is identification's */
  procedure: procedureSchema,
  stage: stageSchema,
  role: roleSchema,
  jurisdiction: jurisdictionSchema,
  status: taskStatusSchema,
  /** the case's village and household head, so an inbox row names the household without reading the case */
  villageCode: villageCodeSchema,
  headName: z.string().optional(),
  assignee: z.string().optional(),
  assigneeName: z.string().optional(),
  openedAt: isoDateTimeSchema,
  dueAt: isoDateTimeSchema,
  claimedAt: isoDateTimeSchema.optional(),
  decidedAt: isoDateTimeSchema.optional(),
  decision: decisionKindSchema.optional(),
  overdue: z.boolean(),
});
export type TaskView = z.infer<typeof taskViewSchema>;

export { type Actor, actorSchema } from './common.ts';

/** One step of a case's trail; `hash` chains it to the record before it. */
export const auditRecordSchema = z.object({
  caseId: z.string(),
  seq: z.int().min(1),
  at: isoDateTimeSchema,
  actor: actorSchema,
  action: z.string(),
  stage: stageSchema.optional(),
  decision: decisionKindSchema.optional(),
  comment: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;

export const chainStatusSchema = z.object({
  valid: z.boolean(),
  length: z.int(),
  brokenAt: z.int().optional(),
  problem: z.string().optional(),
});
export type ChainStatus = z.infer<typeof chainStatusSchema>;

/** `POST /api/audit/verify`: one call of a county's chain verification. */
export const countyVerificationSchema = z.object({
  county: z.string(),
  /** cases whose chain this call verified */
  checked: z.number().int(),
  /** how many of them hold */
  valid: z.number().int(),
  /** the others: the first record that fails, and why (content, link, sequence, inserted, truncated) */
  broken: z.array(z.object({ caseId: z.string(), brokenAt: z.number().int(), reason: z.string() })),
  /** whether the walk reached the county's last case */
  complete: z.boolean(),
  /** present when cases remain: pass it back to continue right after the last case checked */
  cursor: z.string().optional(),
});
export type CountyVerification = z.infer<typeof countyVerificationSchema>;

export const ERROR_CODES = [
  'invalid_input',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'internal',
  'unavailable',
] as const;
export const errorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

/** The contract's single error shape. */
export const errorSchema = z.object({
  error: z.object({
    code: errorCodeSchema,
    message: z.string(),
    details: z.array(z.object({ path: z.string(), rule: z.string(), message: z.string().optional() })),
  }),
});
export type ErrorBody = z.infer<typeof errorSchema>;

export const userSchema = z.object({
  sub: z.string(),
  username: z.string(),
  name: z.string(),
  role: roleSchema,
  jurisdiction: jurisdictionSchema,
});
export type User = z.infer<typeof userSchema>;

export const loginSchema = z.strictObject({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(200),
});
