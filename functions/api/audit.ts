import { listAccessLog, verifyCounty } from '../services/audit.ts';
import { sharedDeps } from '../services/deps.ts';
import { routeGroup } from './http.ts';

/** Audit routes: the auditors' county-wide chain check and the admins' access log. */
export const handler = routeGroup('audit', {
  verifyCountyAudit: ({ user, query }) => verifyCounty(sharedDeps(), user, query),
  getAccessLog: ({ user, query }) => listAccessLog(sharedDeps(), user, query),
});
