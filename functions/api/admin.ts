import { changeCalendar, effectiveCalendar } from '../services/calendar.ts';
import { sharedDeps } from '../services/deps.ts';
import { changePolicy, currentPolicy, policyHistory } from '../services/policy.ts';
import { routeGroup } from './http.ts';

/** County settings: the policy (admins only, versioned) and the working-day calendar (reviewers may read it). */
export const handler = routeGroup('admin', {
  getPolicy: ({ user, query }) => currentPolicy(sharedDeps(), user, query),
  putPolicy: ({ user, body }) => changePolicy(sharedDeps(), user, body),
  getPolicyHistory: ({ user, query }) => policyHistory(sharedDeps(), user, query),
  getCalendar: ({ user, query }) => effectiveCalendar(sharedDeps(), user, query),
  putCalendar: ({ user, body }) => changeCalendar(sharedDeps(), user, body),
});
