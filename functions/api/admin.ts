import { calendarBodySchema, calendarQuerySchema, countyQuerySchema } from '../../schemas/admin.ts';
import { changeCalendar, effectiveCalendar } from '../services/calendar.ts';
import { sharedDeps } from '../services/deps.ts';
import {
  changePolicy,
  currentPolicy,
  policyBodySchema,
  policyHistory,
  policyHistoryQuerySchema,
} from '../services/policy.ts';
import { route, routeGroup } from './http.ts';

/** County settings: the policy (admins only, versioned) and the working-day calendar (reviewers may read it). */
export const handler = routeGroup('admin', [
  route({ method: 'GET', path: '/api/admin/policy', query: countyQuerySchema }, ({ user, query }) =>
    currentPolicy(sharedDeps(), user, query),
  ),
  route({ method: 'PUT', path: '/api/admin/policy', body: policyBodySchema }, ({ user, body }) =>
    changePolicy(sharedDeps(), user, body),
  ),
  route(
    { method: 'GET', path: '/api/admin/policy/history', query: policyHistoryQuerySchema },
    ({ user, query }) => policyHistory(sharedDeps(), user, query),
  ),
  route({ method: 'GET', path: '/api/admin/calendar', query: calendarQuerySchema }, ({ user, query }) =>
    effectiveCalendar(sharedDeps(), user, query),
  ),
  route({ method: 'PUT', path: '/api/admin/calendar', body: calendarBodySchema }, ({ user, body }) =>
    changeCalendar(sharedDeps(), user, body),
  ),
]);
