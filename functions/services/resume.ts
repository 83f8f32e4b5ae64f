import type { Route } from '../core/procedure.ts';
import { parseIso } from '../core/time.ts';
import { type Deps, secondsUntil } from './deps.ts';

/**
 * The input that enters a case's state machine where the case stands (DESIGN: resume and version migration).
 * The case's stored route is the truth; a supplement wait gets the time it has left. Null for a case that has
 * ended or is in error: nothing to resume.
 */
export async function resumeInput(
  deps: Deps,
  caseId: string,
): Promise<{ caseId: string; route: Route } | null> {
  const c = await deps.store.getCase(caseId);
  if (!c || (c.status !== 'open' && c.status !== 'returned')) return null;
  let route = c.route;
  if (route.target === 'await_supplement') {
    const due = c.supplementDueAt ? parseIso(c.supplementDueAt) : deps.clock.now();
    route = { ...route, timeoutSeconds: secondsUntil(deps, due) };
  }
  return { caseId, route };
}
