import { sharedDeps } from '../services/deps.ts';
import {
  slaBreaches,
  slaBreachesQuerySchema,
  stageTimings,
  stageTimingsQuerySchema,
} from '../services/reports.ts';
import { route, routeGroup } from './http.ts';

/** Read-only reports for auditors and reviewers: stage timings and SLA breaches. */
export const handler = routeGroup('reports', [
  route(
    { method: 'GET', path: '/api/reports/stage-timings', query: stageTimingsQuerySchema },
    ({ user, query }) => stageTimings(sharedDeps(), user, query),
  ),
  route(
    { method: 'GET', path: '/api/reports/sla-breaches', query: slaBreachesQuerySchema },
    ({ user, query }) => slaBreaches(sharedDeps(), user, query),
  ),
]);
