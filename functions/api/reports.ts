import { sharedDeps } from '../services/deps.ts';
import {
  overdueQuerySchema,
  overdueTasks,
  slaBreaches,
  slaBreachesCsv,
  slaBreachesQuerySchema,
  stageTimings,
  stageTimingsCsv,
  stageTimingsQuerySchema,
  stuckCases,
  stuckQuerySchema,
} from '../services/reports.ts';
import { csvBody, route, routeGroup } from './http.ts';

/** Read-only reports for auditors and reviewers: stage timings, SLA breaches, stuck cases, overdue tasks. */
export const handler = routeGroup('reports', [
  route(
    { method: 'GET', path: '/api/reports/stage-timings', query: stageTimingsQuerySchema },
    async ({ user, query }) =>
      query.format === 'csv'
        ? csvBody(await stageTimingsCsv(sharedDeps(), user, query))
        : stageTimings(sharedDeps(), user, query),
  ),
  route(
    { method: 'GET', path: '/api/reports/sla-breaches', query: slaBreachesQuerySchema },
    async ({ user, query }) =>
      query.format === 'csv'
        ? csvBody(await slaBreachesCsv(sharedDeps(), user, query))
        : slaBreaches(sharedDeps(), user, query),
  ),
  route({ method: 'GET', path: '/api/reports/stuck', query: stuckQuerySchema }, ({ user, query }) =>
    stuckCases(sharedDeps(), user, query),
  ),
  route({ method: 'GET', path: '/api/reports/overdue', query: overdueQuerySchema }, ({ user, query }) =>
    overdueTasks(sharedDeps(), user, query),
  ),
]);
