/**
 * Contract v1 routes and the Lambda (route group) that serves each. The CDK API stack creates one HTTP API route
 * per entry; each group's handler dispatches on the same list; the local server reads the routes back from the
 * synthesized template.
 */
export type RouteGroup = 'cases' | 'tasks' | 'meta' | 'reports' | 'admin' | 'audit';

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path syntax: `{caseId}` */
  path: string;
  group: RouteGroup;
  /** false only for health and the OpenAPI document */
  auth: boolean;
}

export const ROUTES: readonly RouteDef[] = [
  { method: 'GET', path: '/health', group: 'meta', auth: false },
  { method: 'GET', path: '/openapi.json', group: 'meta', auth: false },
  { method: 'POST', path: '/api/cases', group: 'cases', auth: true },
  { method: 'GET', path: '/api/cases', group: 'cases', auth: true },
  { method: 'GET', path: '/api/cases/{caseId}', group: 'cases', auth: true },
  { method: 'POST', path: '/api/cases/{caseId}/supplements', group: 'cases', auth: true },
  { method: 'POST', path: '/api/cases/{caseId}/withdraw', group: 'cases', auth: true },
  { method: 'POST', path: '/api/cases/{caseId}/reexamination', group: 'cases', auth: true },
  { method: 'GET', path: '/api/cases/{caseId}/audit', group: 'cases', auth: true },
  { method: 'POST', path: '/api/cases/{caseId}/objections', group: 'cases', auth: true },
  { method: 'GET', path: '/api/cases/{caseId}/notice', group: 'cases', auth: true },
  { method: 'GET', path: '/api/tasks', group: 'tasks', auth: true },
  { method: 'GET', path: '/api/tasks/{taskId}', group: 'tasks', auth: true },
  { method: 'POST', path: '/api/tasks/{taskId}/claim', group: 'tasks', auth: true },
  { method: 'POST', path: '/api/tasks/{taskId}/unclaim', group: 'tasks', auth: true },
  { method: 'POST', path: '/api/tasks/{taskId}/decision', group: 'tasks', auth: true },
  { method: 'GET', path: '/api/tasks/{taskId}/assignees', group: 'tasks', auth: true },
  { method: 'POST', path: '/api/tasks/{taskId}/reassign', group: 'tasks', auth: true },
  { method: 'GET', path: '/api/reports/stage-timings', group: 'reports', auth: true },
  { method: 'GET', path: '/api/reports/sla-breaches', group: 'reports', auth: true },
  { method: 'GET', path: '/api/reports/stuck', group: 'reports', auth: true },
  { method: 'GET', path: '/api/reports/overdue', group: 'reports', auth: true },
  { method: 'POST', path: '/api/audit/verify', group: 'audit', auth: true },
  { method: 'GET', path: '/api/audit/access-log', group: 'audit', auth: true },
  { method: 'GET', path: '/api/admin/policy', group: 'admin', auth: true },
  { method: 'PUT', path: '/api/admin/policy', group: 'admin', auth: true },
  { method: 'GET', path: '/api/admin/policy/history', group: 'admin', auth: true },
  { method: 'GET', path: '/api/admin/calendar', group: 'admin', auth: true },
  { method: 'PUT', path: '/api/admin/calendar', group: 'admin', auth: true },
];

/** Handler module of each route group, relative to the repository root. */
export const GROUP_ENTRIES: Readonly<Record<RouteGroup, string>> = {
  cases: 'functions/api/cases.ts',
  tasks: 'functions/api/tasks.ts',
  meta: 'functions/api/meta.ts',
  reports: 'functions/api/reports.ts',
  audit: 'functions/api/audit.ts',
  admin: 'functions/api/admin.ts',
};

export const routeKey = (r: Pick<RouteDef, 'method' | 'path'>) => `${r.method} ${r.path}`;
