import { parseIso } from '../core/time.ts';
import { type Deps, secondsUntil } from './deps.ts';
import type { WorkflowInput } from './workflow-port.ts';

/** The input that enters a case's state machine at the case's current stage. */
export type ResumeInput = WorkflowInput;

/** One case to re-enter: its execution (state machine and name, from the case item) and the input. */
export interface Resumption {
  executionArn: string;
  input: ResumeInput;
}

/**
 * Where a case stands, as the input that enters its state machine there (docs/architecture.md §5, resume), with
 * the execution that carries it. The case's stored route is the truth; a supplement wait gets the time it has
 * left. Null for a case that has ended or is in error: nothing to resume. A case filed before the item named its
 * execution runs under the identification state machine, named by its id.
 */
async function resumptionOf(deps: Deps, caseId: string): Promise<Resumption | null> {
  const c = await deps.store.getCase(caseId);
  if (!c || (c.status !== 'open' && c.status !== 'returned')) return null;
  let route = c.route;
  if (route.target === 'await_supplement') {
    const due = c.supplementDueAt ? parseIso(c.supplementDueAt) : deps.clock.now();
    route = { ...route, timeoutSeconds: secondsUntil(deps, due) };
  }
  return { executionArn: c.executionArn ?? deps.workflow.executionArn(caseId), input: { caseId, route } };
}

/** The input that enters a case's state machine where the case stands; null when nothing is to resume. */
export const resumeInput = async (deps: Deps, caseId: string): Promise<ResumeInput | null> =>
  (await resumptionOf(deps, caseId))?.input ?? null;

/** How many cases are read at once while resuming. */
const RESUME_CONCURRENCY = 16;

/**
 * Every case in flight (open or returned) in `counties` according to the case records (a Query of each county's
 * active cases), each with the execution that carries it: what a restart re-enters, whatever any execution
 * journal says (it may miss an execution started just before a crash, or keep one of a case that ended since).
 */
export async function inFlightResumptions(deps: Deps, counties: readonly string[]): Promise<Resumption[]> {
  const caseIds = await deps.store.inFlightCases(counties);
  const found: Resumption[] = [];
  for (let i = 0; i < caseIds.length; i += RESUME_CONCURRENCY) {
    const batch = await Promise.all(
      caseIds.slice(i, i + RESUME_CONCURRENCY).map((id) => resumptionOf(deps, id)),
    );
    // a case that ended between the Query and the read has nothing to resume
    for (const r of batch) if (r) found.push(r);
  }
  return found;
}
