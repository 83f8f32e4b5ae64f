import { accessLogQuerySchema, listAccessLog, verifyCounty, verifyQuerySchema } from '../services/audit.ts';
import { sharedDeps } from '../services/deps.ts';
import { route, routeGroup } from './http.ts';

/** Audit routes: the auditors' county-wide chain check and the admins' access log. */
export const handler = routeGroup('audit', [
  route({ method: 'POST', path: '/api/audit/verify', query: verifyQuerySchema }, ({ user, query }) =>
    verifyCounty(sharedDeps(), user, query),
  ),
  route({ method: 'GET', path: '/api/audit/access-log', query: accessLogQuerySchema }, ({ user, query }) =>
    listAccessLog(sharedDeps(), user, query),
  ),
]);
