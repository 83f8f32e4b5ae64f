import type { Route } from '../core/procedure.ts';
import { parseIso } from '../core/time.ts';
import { executionArnOf } from './cases.ts';
import { type Deps, secondsUntil } from './deps.ts';

/** The input that enters a case's state machine at the case's current stage. */
export interface ResumeInput {
  caseId: string;
  route: Route;
}

/**
 * The input that enters a case's state machine where the case stands (docs/architecture.md §5, resume).
 * The case's stored route is the truth; a supplement wait gets the time it has left. Null for a case that has
 * ended or is in error: nothing to resume.
 */
export async function resumeInput(deps: Deps, caseId: string): Promise<ResumeInput | null> {
  const c = await deps.store.getCase(caseId);
  if (!c || (c.status !== 'open' && c.status !== 'returned')) return null;
  let route = c.route;
  if (route.target === 'await_supplement') {
    const due = c.supplementDueAt ? parseIso(c.supplementDueAt) : deps.clock.now();
    route = { ...route, timeoutSeconds: secondsUntil(deps, due) };
  }
  return { caseId, route };
}

/** One case to re-enter: its execution (state machine and name, from the case item) and the input. */
export interface Resumption {
  executionArn: string;
  input: ResumeInput;
}

/** How many cases are read at once while resuming. */
const RESUME_CONCURRENCY = 16;

/**
 * Every case in flight (open or returned) according to the case records, each with the execution that carries
 * it: what a restart re-enters, whatever any execution journal says (it may miss an execution started just
 * before a crash, or keep one of a case that ended since). A case filed before the item named its execution
 * runs under the identification state machine, named by its id.
 */
export async function inFlightResumptions(deps: Deps): Promise<Resumption[]> {
  const cases = await deps.store.inFlightCases();
  const found: Resumption[] = [];
  for (let i = 0; i < cases.length; i += RESUME_CONCURRENCY) {
    const batch = cases.slice(i, i + RESUME_CONCURRENCY);
    const inputs = await Promise.all(batch.map((c) => resumeInput(deps, c.caseId)));
    inputs.forEach((input, j) => {
      if (!input) return; // ended between the scan and the read
      const executionArn =
        batch[j]!.executionArn ?? executionArnOf(deps.identificationStateMachineArn(), input.caseId);
      found.push({ executionArn, input });
    });
  }
  return found;
}
