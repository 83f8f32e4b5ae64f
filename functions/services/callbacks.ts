import type { Route } from '../core/procedure.ts';
import type { Deps } from './deps.ts';
import { armed } from './stage-entry.ts';

/**
 * Sends a task's route to the token bound to the task now, re-read after the write that ended it: a retried
 * await-decision step (or an escalation) may have bound a new token since the caller read the task, and the
 * token read before the write would then be one no execution waits on any more.
 */
export async function resumeTaskWorkflow(deps: Deps, taskId: string, route: Route): Promise<void> {
  const current = await deps.store.getTask(taskId);
  if (current?.taskToken) await deps.workflow.complete(current.taskToken, armed(deps, route));
}
