import type { Procedure } from '../../schemas/domain.ts';
import { executionNameOf, nextExecutionName } from '../core/execution.ts';
import type { Route } from '../core/procedure.ts';
import { parseIso, toIso } from '../core/time.ts';
import type { CaseItem } from '../store/case.ts';
import { SYSTEM, startWorkflow } from './cases.ts';
import { type Deps, secondsUntil } from './deps.ts';
import { retryOnStaleVersion } from './retry.ts';
import { armed, planned } from './stage-entry.ts';
import type { WorkflowInput } from './workflow-port.ts';

/** The input that enters a case's state machine at the case's current stage. */
export type ResumeInput = WorkflowInput;

/** One case to re-enter: its procedure, its execution (state machine and name, from the case item), the input. */
export interface Resumption {
  procedure: Procedure;
  executionArn: string;
  input: ResumeInput;
}

/**
 * Where a case stands, as the input that enters its state machine there (docs/architecture.md §5, resume), with
 * the execution that carries it. The case's stored route is the truth; a supplement wait gets the time it has
 * left; a stage waits for the escalation of its open task (or of the task its route planned, planned now for a
 * route stored before tasks were planned); a publicity under way waits for its end. Null for a case that has
 * ended or is in error: nothing to resume. A case filed before the item named its execution runs under the
 * identification state machine, named by its id.
 */
async function resumptionOf(deps: Deps, caseId: string): Promise<Resumption | null> {
  const c = await deps.store.getCase(caseId);
  if (!c || (c.status !== 'open' && c.status !== 'returned')) return null;
  return {
    procedure: c.procedure,
    executionArn: c.executionArn ?? deps.workflow.executionArn(c.procedure, caseId),
    input: { caseId, route: armed(deps, await resumeRoute(deps, c)) },
  };
}

async function resumeRoute(deps: Deps, c: CaseItem): Promise<Route> {
  const { route } = c;
  if (route.target === 'await_supplement') {
    const due = c.supplementDueAt ? parseIso(c.supplementDueAt) : deps.clock.now();
    return { ...route, timeoutSeconds: secondsUntil(deps, due) };
  }
  if (route.target === 'publicity') {
    return c.stage === 'publicity' && c.publicityEndsAt
      ? { target: 'publicity', endsAt: c.publicityEndsAt }
      : route;
  }
  const open = c.openTaskId ? await deps.store.getTask(c.openTaskId) : undefined;
  if (open && open.stage === route.target && open.status !== 'done') {
    return {
      target: open.stage,
      task: { taskId: open.taskId, openedAt: open.openedAt, dueAt: open.dueAt, escalateAt: open.escalateAt },
    };
  }
  return planned(deps, c, route);
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

/** Why a case's execution hands over to a fresh one. */
export type RenewalReason = 'horizon' | 'migration';

/**
 * Hands a case from execution `fromName` to a fresh one at the stage its record says it is in, by the resume path
 * a local restart takes (resumeInput): the case item names the new execution (with an audit record, on the case's
 * version), then it starts through the state machine's alias, i.e. on the newest version. Idempotent: a retried
 * hand-over finds the case already naming that execution and starts it again, which Step Functions answers as
 * already running. Null when the case has nothing to resume (it ended meanwhile).
 */
export async function renewExecution(
  deps: Deps,
  caseId: string,
  fromName: string,
  reason: RenewalReason,
): Promise<{ executionArn: string } | null> {
  const renewed = await retryOnStaleVersion(async () => {
    const c = await deps.store.getCase(caseId);
    const resume = await resumeInput(deps, caseId);
    if (!c || !resume) return null;
    const executionArn = deps.workflow.executionArn(c.procedure, nextExecutionName(fromName));
    if (c.executionArn !== executionArn) {
      await deps.store.apply({
        before: c,
        set: { executionArn },
        audit: {
          at: toIso(deps.clock.now()),
          actor: SYSTEM,
          action: 'execution_renewed',
          stage: c.stage,
          data: { reason, from: fromName, to: executionNameOf(executionArn) },
        },
      });
    }
    return { procedure: c.procedure, executionArn, route: resume.route };
  });
  if (!renewed) return null;
  const { procedure, executionArn, route } = renewed;
  await startWorkflow(deps, procedure, caseId, executionNameOf(executionArn), route);
  return { executionArn };
}

/** What a migration did: cases moved to the newest version, already on it, or ended while it ran. */
export interface MigrationReport {
  /** the version each procedure's live alias points at */
  targetVersionArns: Record<Procedure, string>;
  moved: string[];
  current: number;
  ended: number;
}

/**
 * After a deploy published new state-machine versions: every in-flight case of `counties` whose execution is not
 * on the version its procedure's alias points at is moved there. Its execution is stopped first (so no decision can reach two
 * executions), then renewed at the case's stage; a decision that lands in between is stored on the task and the
 * new execution's first step replays it. Cases already on the newest version are left alone, so it can run again.
 */
export async function migrateInFlight(deps: Deps, counties: readonly string[]): Promise<MigrationReport> {
  const targets: Record<Procedure, string> = {
    identification: await deps.workflow.liveVersion('identification'),
    risk_elimination: await deps.workflow.liveVersion('risk_elimination'),
  };
  const report: MigrationReport = { targetVersionArns: targets, moved: [], current: 0, ended: 0 };
  for (const { procedure, executionArn, input } of await inFlightResumptions(deps, counties)) {
    const target = targets[procedure];
    const running = await deps.workflow.describe(executionArn);
    if (running?.status === 'RUNNING') {
      if (running.versionArn === target) {
        report.current++;
        continue;
      }
      await deps.workflow.stop(executionArn, `moved to ${target}`, 'Migrated');
    }
    const renewed = await renewExecution(deps, input.caseId, executionNameOf(executionArn), 'migration');
    if (renewed) report.moved.push(input.caseId);
    else report.ended++;
  }
  return report;
}
