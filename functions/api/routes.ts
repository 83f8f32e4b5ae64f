import { z } from 'zod';
import {
  calendarBodySchema,
  calendarOverridesSchema,
  calendarQuerySchema,
  calendarViewSchema,
  countyQuerySchema,
} from '../../schemas/admin.ts';
import { caseFilingSchema, supplementSchema, withdrawSchema } from '../../schemas/application.ts';
import { isoDateTimeSchema } from '../../schemas/common.ts';
import { decisionBodySchema } from '../../schemas/decision.ts';
import { householdCaseSchema } from '../../schemas/household.ts';
import {
  contactBodySchema,
  contactViewSchema,
  measureBodySchema,
  measurePatchSchema,
  measureViewSchema,
} from '../../schemas/measure.ts';
import {
  monitoringQuerySchema,
  monitoringReportSchema,
  riskEliminationCheckSchema,
} from '../../schemas/monitoring.ts';
import { objectionBodySchema, objectionViewSchema } from '../../schemas/objection.ts';
import { caseListQuerySchema, taskListQuerySchema } from '../../schemas/queries.ts';
import {
  auditRecordSchema,
  caseViewSchema,
  chainStatusSchema,
  countyVerificationSchema,
  taskViewSchema,
} from '../../schemas/records.ts';
import { reexaminationRequestSchema } from '../../schemas/reexamination.ts';
import { assigneeListSchema, reassignBodySchema } from '../../schemas/staff.ts';
import {
  accessLogPageSchema,
  accessLogQuerySchema,
  auditQuerySchema,
  verifyQuerySchema,
} from '../services/audit.ts';
import {
  policyBodySchema,
  policyHistoryQuerySchema,
  policyHistorySchema,
  policyViewSchema,
} from '../services/policy.ts';
import {
  overduePageSchema,
  overdueQuerySchema,
  slaBreachesQuerySchema,
  slaBreachPageSchema,
  stageTimingsQuerySchema,
  stageTimingsSchema,
  stuckPageSchema,
  stuckQuerySchema,
} from '../services/reports.ts';

/**
 * Every route of the API, declared once: where it lives, who may call it, what it takes, what it returns and
 * which errors it answers. The CDK API stack creates one HTTP API route per entry, each group's handler binds
 * an action to each of its entries (`routeGroup`), the OpenAPI document describes them (openapi.ts), and the
 * local server reads the routes back from the synthesized template.
 */
export type RouteGroup = 'cases' | 'tasks' | 'meta' | 'reports' | 'admin' | 'audit';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Error answers a route gives beyond 400 (bad input), 401 (authorized routes) and 500. */
export const ERROR_ANSWERS = {
  forbidden: [403, 'The role may not do this'],
  not_found: [404, "Unknown, or outside the caller's jurisdiction"],
  conflict: [409, 'Wrong state, stale version, duplicate open case or task already decided'],
} as const;
export type ErrorAnswer = keyof typeof ERROR_ANSWERS;

/** One route. Its key in the catalogue is its OpenAPI `operationId`. */
export interface RouteDecl<G extends string = string> {
  method: HttpMethod;
  /** API Gateway path syntax: `{caseId}` */
  path: string;
  group: G;
  /** `false` only for health and the OpenAPI document; their actions get no user. */
  auth?: boolean;
  /** One line for the OpenAPI document and docs/api.md. */
  summary: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  /** Path parameters; by default each `{name}` of the path is an id of 1 to 100 characters. */
  params?: z.ZodObject;
  /** Success status; 200 unless given. A 204 sends no body. */
  status?: number;
  /** The success body: JSON unless `contentType` says otherwise. */
  response: z.ZodType;
  /** Media type of a success that is not JSON (e.g. the HTML notice). */
  contentType?: string;
  /** With `format=csv` the success is a CSV export (UTF-8 with BOM, ID numbers masked, no phone numbers). */
  csv?: true;
  errors?: readonly ErrorAnswer[];
}

/** A catalogue of routes keyed by operationId: ROUTE_CATALOG in production, a test's own in tests. */
export type Catalog = Readonly<Record<string, RouteDecl>>;

/** A catalogue entry with its operationId, auth spelled out. */
export type RouteDef<G extends string = string> = RouteDecl<G> & { operationId: string; auth: boolean };

/** Keeps the literal types of a catalogue (paths, groups, schemas), so actions are typed from it. */
export const declareRoutes = <const C extends Catalog>(catalog: C): C => catalog;

/** The catalogue as a list. */
export const routeList = <C extends Catalog>(catalog: C): RouteDef<C[keyof C]['group']>[] =>
  Object.entries(catalog).map(([operationId, decl]) => ({ ...decl, operationId, auth: decl.auth ?? true }));

/** `{caseId}`, `{taskId}`: the names of a path's parameters. */
export type PathParamNames<P extends string> = P extends `${string}{${infer N}}${infer Rest}`
  ? N | PathParamNames<Rest>
  : never;

const pathParamNames = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
const idParam = z.string().min(1).max(100);

/** The schema a route's path parameters must pass: its own, or one id per `{name}`; none for a fixed path. */
export function paramsOf(decl: Pick<RouteDecl, 'path' | 'params'>): z.ZodObject | undefined {
  if (decl.params) return decl.params;
  const names = pathParamNames(decl.path);
  return names.length ? z.object(Object.fromEntries(names.map((n) => [n, idParam]))) : undefined;
}

/*
 * Schemas are named with zod 4's `.meta({ id })`, which zod-to-openapi 9 reads as a component name. It works on
 * schemas created anywhere, unlike `extendZodWithOpenApi`, which only reaches schemas built after it ran.
 * `.meta` returns a copy that parses exactly as the original: the shared schemas in `schemas/` stay untouched.
 */
const named = <S extends z.ZodType>(id: string, schema: S): S => schema.meta({ id }) as S;

/** A page of a list: `cursor` is present when more items follow. */
const page = <S extends z.ZodType>(item: S) =>
  z.object({ items: z.array(item), cursor: z.string().optional() });

const CaseView = named('CaseView', caseViewSchema);
const TaskView = named('TaskView', taskViewSchema);
const AuditRecord = named('AuditRecord', auditRecordSchema);
const ChainStatus = named('ChainStatus', chainStatusSchema);
const PolicyView = named('Policy', policyViewSchema);
const MeasureView = named('Measure', measureViewSchema);

export const ROUTE_CATALOG = declareRoutes({
  getHealth: {
    method: 'GET',
    path: '/health',
    group: 'meta',
    auth: false,
    summary: 'Liveness, and the clock the API reads (simulated on the local runtime under TIME_SCALE)',
    response: z.object({ status: z.literal('ok'), now: isoDateTimeSchema }),
  },
  getOpenApiDocument: {
    method: 'GET',
    path: '/openapi.json',
    group: 'meta',
    auth: false,
    summary: 'This document',
    response: z.record(z.string(), z.unknown()),
  },
  fileApplication: {
    method: 'POST',
    path: '/api/cases',
    group: 'cases',
    summary:
      'File an identification application, or propose risk elimination (风险消除) for an enrolled case ' +
      '(`procedure: risk_elimination`): refused 409 naming every failing rule (`enrolled_months`, ' +
      '`measure_implemented`, `no_labour`, `open_case`)',
    body: named('CaseFiling', caseFilingSchema),
    status: 201,
    response: CaseView,
    errors: ['forbidden', 'conflict'],
  },
  listCases: {
    method: 'GET',
    path: '/api/cases',
    group: 'cases',
    summary: "Cases in the caller's scope (applicant: own)",
    query: caseListQuerySchema,
    response: named('CaseList', page(CaseView)),
  },
  getCase: {
    method: 'GET',
    path: '/api/cases/{caseId}',
    group: 'cases',
    summary: 'A case with its timeline, oldest first',
    response: named(
      'CaseDetail',
      caseViewSchema.extend({
        timeline: z.array(AuditRecord),
        /** staff only: the case's objections */
        objections: z.array(objectionViewSchema).optional(),
      }),
    ),
    errors: ['not_found'],
  },
  supplementCase: {
    method: 'POST',
    path: '/api/cases/{caseId}/supplements',
    group: 'cases',
    summary: 'Answer a return with a note and corrected fields',
    body: named('Supplement', supplementSchema),
    response: CaseView,
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  withdrawCase: {
    method: 'POST',
    path: '/api/cases/{caseId}/withdraw',
    group: 'cases',
    summary: 'Withdraw before county approval',
    body: named('Withdraw', withdrawSchema),
    response: CaseView,
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  requestReexamination: {
    method: 'POST',
    path: '/api/cases/{caseId}/reexamination',
    group: 'cases',
    summary:
      'Ask once for the re-examination (复核) of a rejection: the township reviews it, then upholds the ' +
      'rejection or overturns it (the rejecting stage reviews again); a second request is 409 `once`',
    body: named('ReexaminationRequest', reexaminationRequestSchema),
    response: CaseView,
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  getCaseAudit: {
    method: 'GET',
    path: '/api/cases/{caseId}/audit',
    group: 'cases',
    summary: 'Audit trail and hash-chain check',
    query: auditQuerySchema,
    response: named('AuditTrail', z.object({ records: z.array(AuditRecord), chain: ChainStatus })),
    csv: true,
    errors: ['forbidden', 'not_found'],
  },
  fileObjection: {
    method: 'POST',
    path: '/api/cases/{caseId}/objections',
    group: 'cases',
    summary: 'Record an objection during publicity (village or township reviewer)',
    body: named('ObjectionBody', objectionBodySchema),
    status: 201,
    response: named('Objection', objectionViewSchema),
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  listMeasures: {
    method: 'GET',
    path: '/api/cases/{caseId}/measures',
    group: 'cases',
    summary:
      "The case's assistance measures (帮扶措施), oldest first, each flagged overdue once past its planned day",
    response: named('MeasureList', z.object({ items: z.array(MeasureView) })),
    errors: ['not_found'],
  },
  addMeasure: {
    method: 'POST',
    path: '/api/cases/{caseId}/measures',
    group: 'cases',
    summary:
      'Plan an assistance measure on an enrolled case (village or township reviewer of its jurisdiction)',
    body: named('MeasureBody', measureBodySchema),
    status: 201,
    response: MeasureView,
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  updateMeasure: {
    method: 'PATCH',
    path: '/api/cases/{caseId}/measures/{measureId}',
    group: 'cases',
    summary:
      'Implement (with its date) or cancel (with a reason) a planned measure, or note its effect, at the version ' +
      'read: a stale `expectedVersion` is 409 `measure_version`',
    body: named('MeasurePatch', measurePatchSchema),
    response: MeasureView,
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  setContact: {
    method: 'PUT',
    path: '/api/cases/{caseId}/contact',
    group: 'cases',
    summary:
      "Set the enrolled case's assistance contact (帮扶责任人); the one it replaces stays on the trail",
    body: named('ContactBody', contactBodySchema),
    response: named('Contact', contactViewSchema),
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  listHouseholdCases: {
    method: 'GET',
    path: '/api/households/{householdId}/cases',
    group: 'cases',
    summary:
      "A household's whole monitoring history, oldest first: every case of its people (householdId is on each " +
      'case); only the cases the caller may read',
    response: named('HouseholdHistory', z.object({ items: z.array(householdCaseSchema) })),
    errors: ['not_found'],
  },
  checkRiskElimination: {
    method: 'GET',
    path: '/api/cases/{caseId}/risk-elimination-check',
    group: 'cases',
    summary:
      'Whether a risk-elimination proposal for this enrolled case would pass now, from which day the dated rules ' +
      'allow one, and every rule that fails: the same rules the proposal is refused by (village cadre or the ' +
      "household's applicant)",
    response: named('RiskEliminationCheck', riskEliminationCheckSchema),
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  getPublicityNotice: {
    method: 'GET',
    path: '/api/cases/{caseId}/notice',
    group: 'cases',
    summary:
      'The publicity notice (公示) as an HTML page: no ID numbers, phones, bank accounts or health details',
    response: z.string(),
    contentType: 'text/html; charset=utf-8',
    errors: ['not_found', 'conflict'],
  },
  listTasks: {
    method: 'GET',
    path: '/api/tasks',
    group: 'tasks',
    summary:
      "Open tasks of the caller's role inside their jurisdiction, soonest due first; filter stage, overdue, " +
      'mine (claimed by the caller); view=escalations: overdue tasks of the level below in the jurisdiction',
    query: taskListQuerySchema,
    response: named('TaskList', page(TaskView)),
    errors: ['forbidden'],
  },
  getTask: {
    method: 'GET',
    path: '/api/tasks/{taskId}',
    group: 'tasks',
    summary: 'One task, read by whoever reads its case',
    response: TaskView,
    errors: ['forbidden', 'not_found'],
  },
  claimTask: {
    method: 'POST',
    path: '/api/tasks/{taskId}/claim',
    group: 'tasks',
    summary: 'Claim a task',
    response: TaskView,
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  unclaimTask: {
    method: 'POST',
    path: '/api/tasks/{taskId}/unclaim',
    group: 'tasks',
    summary: 'Release a claimed task',
    response: TaskView,
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  decideTask: {
    method: 'POST',
    path: '/api/tasks/{taskId}/decision',
    group: 'tasks',
    summary: 'Decide a task',
    body: named('DecisionBody', decisionBodySchema),
    response: TaskView,
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  listAssignees: {
    method: 'GET',
    path: '/api/tasks/{taskId}/assignees',
    group: 'tasks',
    summary: 'Colleagues of the task’s role and jurisdiction it may be reassigned to',
    response: named('AssigneeList', assigneeListSchema),
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  reassignTask: {
    method: 'POST',
    path: '/api/tasks/{taskId}/reassign',
    group: 'tasks',
    summary: 'Hand a task to a colleague of its role and jurisdiction (claimant, role or next level up)',
    body: named('ReassignBody', reassignBodySchema),
    response: TaskView,
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  getStageTimings: {
    method: 'GET',
    path: '/api/reports/stage-timings',
    group: 'reports',
    summary:
      'Stage durations, queue and work time (hours, nearest-rank p50/p90/p95, max, mean) and SLA breaches ' +
      'per stage, township or month; read from the timing index by (county, stage, month)',
    query: stageTimingsQuerySchema,
    response: named('StageTimings', stageTimingsSchema),
    csv: true,
    errors: ['forbidden', 'not_found'],
  },
  getSlaBreaches: {
    method: 'GET',
    path: '/api/reports/sla-breaches',
    group: 'reports',
    summary:
      'Open tasks past due, then tasks decided after their due date, with days over; paged, filter township and stage',
    query: slaBreachesQuerySchema,
    response: named('SlaBreachPage', slaBreachPageSchema),
    csv: true,
    errors: ['forbidden', 'not_found'],
  },
  getStuckCases: {
    method: 'GET',
    path: '/api/reports/stuck',
    group: 'reports',
    summary:
      'Cases in error, then open or returned cases in their stage and status for `days` days (default 10; a ' +
      'claim is not progress), longest idle first; paged, filter township and stage',
    query: stuckQuerySchema,
    response: named('StuckCasePage', stuckPageSchema),
    errors: ['forbidden', 'not_found'],
  },
  getMonitoringReport: {
    method: 'GET',
    path: '/api/reports/monitoring',
    group: 'reports',
    summary:
      "A county's monitoring year: households and persons under monitoring, newly identified, risk-eliminated, " +
      'returned to risk (返贫), and the share of monitored households with an implemented measure',
    query: monitoringQuerySchema,
    response: named('MonitoringReport', monitoringReportSchema),
    errors: ['forbidden', 'not_found'],
  },
  getOverdueTasks: {
    method: 'GET',
    path: '/api/reports/overdue',
    group: 'reports',
    summary:
      "Open tasks past their due date in the caller's jurisdiction (auditors, reviewers, admins), most " +
      'overdue first, with days over; paged, filter township and stage',
    query: overdueQuerySchema,
    response: named('OverdueTaskPage', overduePageSchema),
    errors: ['forbidden', 'not_found'],
  },
  verifyCountyAudit: {
    method: 'POST',
    path: '/api/audit/verify',
    group: 'audit',
    summary:
      "Verify the audit chain of every case of a county (auditors only): each broken chain's first failing record; " +
      'a large county is walked over several calls (`limit` cases, or about 20 s, each): pass `cursor` back ' +
      'until `complete`',
    query: verifyQuerySchema,
    response: named('CountyVerification', countyVerificationSchema),
    errors: ['forbidden', 'not_found'],
  },
  getAccessLog: {
    method: 'GET',
    path: '/api/audit/access-log',
    group: 'audit',
    summary:
      "Who read what and when (auditors' reads, staff reads of personal data), newest first; admins only; " +
      'filter from/to (day or instant) and actor (sub or username)',
    query: accessLogQuerySchema,
    response: named('AccessLogPage', accessLogPageSchema),
    errors: ['forbidden', 'not_found'],
  },
  getPolicy: {
    method: 'GET',
    path: '/api/admin/policy',
    group: 'admin',
    summary: "The county's current policy (admin): stage order and limits; version 0 is the defaults",
    query: countyQuerySchema,
    response: PolicyView,
    errors: ['forbidden', 'not_found'],
  },
  putPolicy: {
    method: 'PUT',
    path: '/api/admin/policy',
    group: 'admin',
    summary:
      "Store the county's next policy version (admin), with who changed it and when; new cases use it, cases " +
      'already filed keep theirs. A concurrent change (or a stale `expectedVersion`) is 409',
    body: named('PolicyBody', policyBodySchema),
    response: PolicyView,
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  getPolicyHistory: {
    method: 'GET',
    path: '/api/admin/policy/history',
    group: 'admin',
    summary: "The county's stored policy versions, newest first (admin)",
    query: policyHistoryQuerySchema,
    response: named('PolicyHistory', policyHistorySchema),
    errors: ['forbidden', 'not_found'],
  },
  getCalendar: {
    method: 'GET',
    path: '/api/admin/calendar',
    group: 'admin',
    summary:
      "One year of the county's working-day calendar: official holidays and make-up working days (调休) with " +
      "the county's entries on top, and whether the official schedule covers the year (reviewers, auditors, admin)",
    query: calendarQuerySchema,
    response: named('Calendar', calendarViewSchema),
    errors: ['forbidden', 'not_found'],
  },
  putCalendar: {
    method: 'PUT',
    path: '/api/admin/calendar',
    group: 'admin',
    summary:
      "Merge dates (true: working day, false: day off, null: back to the official schedule) into the county's " +
      'calendar (admin); tasks opened from now on count with it',
    body: named('CalendarBody', calendarBodySchema),
    response: named('CalendarOverrides', calendarOverridesSchema),
    errors: ['forbidden', 'not_found', 'conflict'],
  },
});

/** Every route of ROUTE_CATALOG, with its operationId; a group that is not a RouteGroup fails to compile. */
export const ROUTES: readonly RouteDef<RouteGroup>[] = routeList(ROUTE_CATALOG);

/** Handler module of each route group, relative to the repository root. */
export const GROUP_ENTRIES: Readonly<Record<RouteGroup, string>> = {
  cases: 'functions/api/cases.ts',
  tasks: 'functions/api/tasks.ts',
  meta: 'functions/api/meta.ts',
  reports: 'functions/api/reports.ts',
  audit: 'functions/api/audit.ts',
  admin: 'functions/api/admin.ts',
};

export const routeKey = (r: Pick<RouteDecl, 'method' | 'path'>) => `${r.method} ${r.path}`;
