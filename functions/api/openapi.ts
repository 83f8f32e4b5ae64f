import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  calendarBodySchema,
  calendarOverridesSchema,
  calendarQuerySchema,
  calendarViewSchema,
  countyQuerySchema,
} from '../../schemas/admin.ts';
import { applicationSchema, supplementSchema, withdrawSchema } from '../../schemas/application.ts';
import { isoDateTimeSchema } from '../../schemas/common.ts';
import { decisionBodySchema } from '../../schemas/decision.ts';
import { objectionBodySchema, objectionViewSchema } from '../../schemas/objection.ts';
import { caseListQuerySchema, taskListQuerySchema } from '../../schemas/queries.ts';
import {
  auditRecordSchema,
  caseViewSchema,
  chainStatusSchema,
  errorSchema,
  loginSchema,
  taskViewSchema,
  userSchema,
} from '../../schemas/records.ts';
import { reexaminationRequestSchema } from '../../schemas/reexamination.ts';
import { assigneeListSchema, reassignBodySchema } from '../../schemas/staff.ts';
import { CSV_CONTENT_TYPE } from '../core/csv.ts';
import {
  accessLogPageSchema,
  accessLogQuerySchema,
  auditQuerySchema,
  countyVerificationSchema,
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
import { ROUTES, type RouteDef, routeKey } from './routes.ts';

/*
 * Schemas are named with zod 4's `.meta({ id })`, which zod-to-openapi 9 reads as a component name. It works on
 * schemas created anywhere, unlike `extendZodWithOpenApi`, which only reaches schemas built after it ran.
 * `.meta` returns a copy: the shared schemas in `schemas/` stay untouched.
 */
const named = <S extends z.ZodType>(id: string, schema: S): S => schema.meta({ id }) as S;

const ErrorBody = named('Error', errorSchema);
const CaseView = named('CaseView', caseViewSchema);
const TaskView = named('TaskView', taskViewSchema);
const AuditRecord = named('AuditRecord', auditRecordSchema);
const ChainStatus = named('ChainStatus', chainStatusSchema);
const User = named('User', userSchema);
const PolicyView = named('Policy', policyViewSchema);

/** `GET /api/cases` query (contract v1: `status`, `stage` filters, `cursor` paging). */
/** A page of a list: `cursor` is present when more items follow. */
const page = <S extends z.ZodType>(item: S) =>
  z.object({ items: z.array(item), cursor: z.string().optional() });
export const caseListSchema = page(caseViewSchema);
export const taskListSchema = page(taskViewSchema);

const CaseDetail = named(
  'CaseDetail',
  caseViewSchema.extend({
    timeline: z.array(AuditRecord),
    /** staff only: the case's objections, oldest first */
    objections: z.array(objectionViewSchema).optional(),
  }),
);
const AuditTrail = named('AuditTrail', z.object({ records: z.array(AuditRecord), chain: ChainStatus }));
const CaseList = named('CaseList', page(CaseView));
const TaskList = named('TaskList', page(TaskView));

interface Operation {
  summary: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  status?: number;
  response: z.ZodType;
  /** Media type of a success that is not JSON (e.g. the HTML notice). */
  contentType?: string;
  /** With `format=csv` the success is a CSV export (UTF-8 with BOM, ID numbers masked, no phone numbers). */
  csv?: true;
  /** Error codes beyond 400/401 (every authorized route can answer those). */
  errors?: ('forbidden' | 'not_found' | 'conflict')[];
}

/** What each route takes and returns; a route in ROUTES that is missing here is still documented, generically. */
const OPERATIONS: Record<string, Operation> = {
  'GET /health': {
    summary: 'Liveness, and the clock the API reads (simulated on the local runtime under TIME_SCALE)',
    response: z.object({ status: z.literal('ok'), now: isoDateTimeSchema }),
  },
  'GET /openapi.json': { summary: 'This document', response: z.record(z.string(), z.unknown()) },
  'POST /api/cases': {
    summary: 'File an identification application',
    body: named('Application', applicationSchema),
    status: 201,
    response: CaseView,
    errors: ['forbidden', 'conflict'],
  },
  'GET /api/cases': {
    summary: "Cases in the caller's scope (applicant: own)",
    query: caseListQuerySchema,
    response: CaseList,
  },
  'GET /api/cases/{caseId}': {
    summary: 'A case with its timeline, oldest first',
    response: CaseDetail,
    errors: ['not_found'],
  },
  'POST /api/cases/{caseId}/supplements': {
    summary: 'Answer a return with a note and corrected fields',
    body: named('Supplement', supplementSchema),
    response: CaseView,
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  'POST /api/cases/{caseId}/withdraw': {
    summary: 'Withdraw before county approval',
    body: named('Withdraw', withdrawSchema),
    response: CaseView,
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  'POST /api/cases/{caseId}/reexamination': {
    summary:
      'Ask once for the re-examination (复核) of a rejection: the township reviews it, then upholds the ' +
      'rejection or overturns it (the rejecting stage reviews again); a second request is 409 `once`',
    body: named('ReexaminationRequest', reexaminationRequestSchema),
    response: CaseView,
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  'GET /api/cases/{caseId}/audit': {
    summary: 'Audit trail and hash-chain check',
    query: auditQuerySchema,
    response: AuditTrail,
    csv: true,
    errors: ['forbidden', 'not_found'],
  },
  'POST /api/cases/{caseId}/objections': {
    summary: 'Record an objection during publicity (village or township reviewer)',
    body: named('ObjectionBody', objectionBodySchema),
    status: 201,
    response: named('Objection', objectionViewSchema),
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  'GET /api/cases/{caseId}/notice': {
    summary:
      'The publicity notice (公示) as an HTML page: no ID numbers, phones, bank accounts or health details',
    response: z.string(),
    contentType: 'text/html; charset=utf-8',
    errors: ['not_found', 'conflict'],
  },
  'GET /api/tasks': {
    summary:
      "Open tasks of the caller's role inside their jurisdiction, soonest due first; filter stage, overdue, " +
      'mine (claimed by the caller); view=escalations: overdue tasks of the level below in the jurisdiction',
    query: taskListQuerySchema,
    response: TaskList,
    errors: ['forbidden'],
  },
  'GET /api/tasks/{taskId}': {
    summary: 'One task, read by whoever reads its case',
    response: TaskView,
    errors: ['forbidden', 'not_found'],
  },
  'POST /api/tasks/{taskId}/claim': {
    summary: 'Claim a task',
    response: TaskView,
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  'POST /api/tasks/{taskId}/unclaim': {
    summary: 'Release a claimed task',
    response: TaskView,
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  'GET /api/reports/stage-timings': {
    summary:
      'Stage durations, queue and work time (hours, nearest-rank p50/p90/p95, max, mean) and SLA breaches ' +
      'per stage, township or month; read from the timing index by (county, stage, month)',
    query: stageTimingsQuerySchema,
    response: named('StageTimings', stageTimingsSchema),
    csv: true,
    errors: ['forbidden', 'not_found'],
  },
  'GET /api/reports/sla-breaches': {
    summary:
      'Open tasks past due, then tasks decided after their due date, with days over; paged, filter township and stage',
    query: slaBreachesQuerySchema,
    response: named('SlaBreachPage', slaBreachPageSchema),
    csv: true,
    errors: ['forbidden', 'not_found'],
  },
  'GET /api/reports/stuck': {
    summary:
      'Cases in error, then open or returned cases with no progress for `days` days (default 10), longest idle ' +
      'first; paged, filter township and stage',
    query: stuckQuerySchema,
    response: named('StuckCasePage', stuckPageSchema),
    errors: ['forbidden', 'not_found'],
  },
  'GET /api/reports/overdue': {
    summary:
      "Open tasks past their due date in the caller's jurisdiction (auditors, reviewers, admins), most " +
      'overdue first, with days over; paged, filter township and stage',
    query: overdueQuerySchema,
    response: named('OverdueTaskPage', overduePageSchema),
    errors: ['forbidden', 'not_found'],
  },
  'POST /api/audit/verify': {
    summary:
      "Verify the audit chain of every case of a county (auditors only): each broken chain's first failing record; " +
      'a large county is walked over several calls (`limit` cases, or about 20 s, each): pass `cursor` back ' +
      'until `complete`',
    query: verifyQuerySchema,
    response: named('CountyVerification', countyVerificationSchema),
    errors: ['forbidden', 'not_found'],
  },
  'GET /api/audit/access-log': {
    summary:
      "Who read what and when (auditors' reads, staff reads of personal data), newest first; admins only; " +
      'filter from/to (day or instant) and actor (sub or username)',
    query: accessLogQuerySchema,
    response: named('AccessLogPage', accessLogPageSchema),
    errors: ['forbidden', 'not_found'],
  },
  'POST /api/tasks/{taskId}/decision': {
    summary: 'Decide a task',
    body: named('DecisionBody', decisionBodySchema),
    response: TaskView,
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  'GET /api/tasks/{taskId}/assignees': {
    summary: 'Colleagues of the task’s role and jurisdiction it may be reassigned to',
    response: named('AssigneeList', assigneeListSchema),
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  'POST /api/tasks/{taskId}/reassign': {
    summary: 'Hand a task to a colleague of its role and jurisdiction (claimant, role or next level up)',
    body: named('ReassignBody', reassignBodySchema),
    response: TaskView,
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  'GET /api/admin/policy': {
    summary: "The county's current policy (admin): stage order and limits; version 0 is the defaults",
    query: countyQuerySchema,
    response: PolicyView,
    errors: ['forbidden', 'not_found'],
  },
  'PUT /api/admin/policy': {
    summary:
      "Store the county's next policy version (admin), with who changed it and when; new cases use it, cases " +
      'already filed keep theirs. A concurrent change (or a stale `expectedVersion`) is 409',
    body: named('PolicyBody', policyBodySchema),
    response: PolicyView,
    errors: ['forbidden', 'not_found', 'conflict'],
  },
  'GET /api/admin/policy/history': {
    summary: "The county's stored policy versions, newest first (admin)",
    query: policyHistoryQuerySchema,
    response: named('PolicyHistory', policyHistorySchema),
    errors: ['forbidden', 'not_found'],
  },
  'GET /api/admin/calendar': {
    summary:
      "One year of the county's working-day calendar: official holidays and make-up working days (调休) with " +
      "the county's entries on top, and whether the official schedule covers the year (reviewers, auditors, admin)",
    query: calendarQuerySchema,
    response: named('Calendar', calendarViewSchema),
    errors: ['forbidden', 'not_found'],
  },
  'PUT /api/admin/calendar': {
    summary:
      "Merge dates (true: working day, false: day off, null: back to the official schedule) into the county's " +
      'calendar (admin); tasks opened from now on count with it',
    body: named('CalendarBody', calendarBodySchema),
    response: named('CalendarOverrides', calendarOverridesSchema),
    errors: ['forbidden', 'not_found', 'conflict'],
  },
};

const ERRORS = {
  forbidden: [403, 'The role may not do this'],
  not_found: [404, "Unknown, or outside the caller's jurisdiction"],
  conflict: [409, 'Wrong state, stale version, duplicate open case or task already decided'],
} as const;
const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
const errorResponse = (description: string) => ({ description, content: json(ErrorBody) });

function pathParams(path: string): z.ZodObject | undefined {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  return names.length ? z.object(Object.fromEntries(names.map((n) => [n, z.string()]))) : undefined;
}

function toRouteConfig(def: RouteDef, bearer: string): RouteConfig {
  const op = OPERATIONS[routeKey(def)] ?? { summary: routeKey(def), response: z.unknown() };
  const params = pathParams(def.path);
  const responses: RouteConfig['responses'] = {
    [op.status ?? 200]: {
      description: 'Success',
      content: op.contentType
        ? { [op.contentType]: { schema: op.response } }
        : { ...json(op.response), ...(op.csv ? { [CSV_CONTENT_TYPE]: { schema: z.string() } } : {}) },
    },
    ...(op.body || op.query || params
      ? { 400: errorResponse('Invalid input; every bad field is named') }
      : {}),
  };
  if (def.auth) responses[401] = errorResponse('No or bad bearer token');
  for (const code of op.errors ?? []) responses[ERRORS[code][0]] = errorResponse(ERRORS[code][1]);
  responses[500] = errorResponse('Internal error');
  return {
    method: def.method.toLowerCase() as RouteConfig['method'],
    path: def.path,
    summary: op.summary,
    tags: [def.group],
    ...(def.auth ? { security: [{ [bearer]: [] }] } : {}),
    request: {
      ...(params ? { params } : {}),
      ...(op.query ? { query: op.query } : {}),
      ...(op.body ? { body: { required: true, content: json(op.body) } } : {}),
    },
    responses,
  };
}

/** The local runtime's login (on AWS, Cognito issues the tokens). */
const LOGIN_ROUTE: RouteConfig = {
  method: 'post',
  path: '/api/auth/login',
  summary: 'Sign in as a demo user (local runtime only; on AWS tokens come from Cognito)',
  tags: ['local'],
  request: { body: { required: true, content: json(named('Login', loginSchema)) } },
  responses: {
    200: { description: 'A bearer token', content: json(z.object({ token: z.string(), user: User })) },
    400: errorResponse('Invalid input'),
    401: errorResponse('Wrong username or password'),
  },
};

/** Builds the OpenAPI 3.1 document of contract v1 from the zod schemas: every route in `routes`. */
export function buildOpenApiDocument(routes: readonly RouteDef[] = ROUTES) {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  for (const def of routes) registry.registerPath(toRouteConfig(def, bearer.name));
  registry.registerPath(LOGIN_ROUTE);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Assistance approvals API (防止返贫动态监测审批)',
      version: '1.0.0',
      description:
        'Contract v1. Errors are always {"error": {"code", "message", "details": [{"path", "rule"}]}}; ' +
        'ID numbers in responses are masked.',
    },
  });
}

let cached: ReturnType<typeof buildOpenApiDocument> | undefined;

/** The document for ROUTES, built once per container. */
export const openApiDocument = () => {
  cached ??= buildOpenApiDocument();
  return cached;
};
