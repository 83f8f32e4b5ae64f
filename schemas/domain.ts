import { z } from 'zod';

/** Identification (识别纳入) takes a household into monitoring; risk elimination (风险消除) takes it out. */
export const PROCEDURES = ['identification', 'risk_elimination'] as const;
export const procedureSchema = z.enum(PROCEDURES);
export type Procedure = z.infer<typeof procedureSchema>;

export const CASE_STATUSES = [
  'open',
  'returned',
  'enrolled',
  'rejected',
  'withdrawn',
  'risk_eliminated',
  'error',
] as const;
export const caseStatusSchema = z.enum(CASE_STATUSES);
export type CaseStatus = z.infer<typeof caseStatusSchema>;

export const STAGES = [
  'village_review',
  'township_verification',
  'county_approval',
  'publicity',
  'objection_review',
  'reexamination',
] as const;
export const stageSchema = z.enum(STAGES);
export type Stage = z.infer<typeof stageSchema>;

export const DECISIONS = [
  'approve',
  'reject',
  'return',
  'send_back',
  'uphold',
  'dismiss',
  'overturn',
] as const;
export const decisionKindSchema = z.enum(DECISIONS);
export type DecisionKind = z.infer<typeof decisionKindSchema>;

export const CATEGORIES = ['unstable_out_of_poverty', 'edge_easily_poor', 'sudden_severe_hardship'] as const;
export const categorySchema = z.enum(CATEGORIES);

export const RISK_TYPES = [
  'illness',
  'disability',
  'education',
  'disaster',
  'accident',
  'unstable_employment',
  'industry_failure',
  'other',
] as const;
export const riskTypeSchema = z.enum(RISK_TYPES);
export type RiskType = z.infer<typeof riskTypeSchema>;

export const SOURCES = ['self_declared', 'cadre_screening', 'department_alert'] as const;
export const sourceSchema = z.enum(SOURCES);
export type Source = z.infer<typeof sourceSchema>;

export const TASK_STATUSES = ['open', 'claimed', 'done'] as const;
export const taskStatusSchema = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof taskStatusSchema>;
