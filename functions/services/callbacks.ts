import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import type { Route } from '../core/procedure.ts';
import type { Deps } from './deps.ts';

/** Errors that mean the token is no longer waited on: the workflow will replay the stored route itself. */
const STALE_TOKEN = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * Completes a waiting callback task with the route the case takes. A stale token is not an error: the
 * decision is already stored, and the step that binds the next token replays it.
 */
export async function completeCallback(deps: Deps, token: string, route: Route): Promise<boolean> {
  try {
    await deps.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(route) }));
    return true;
  } catch (e) {
    if (STALE_TOKEN.has((e as Error).name)) return false;
    throw e;
  }
}

/**
 * Sends a task's route to the token bound to the task now, re-read after the write that ended it: a retried
 * await-decision step (or an escalation) may have bound a new token since the caller read the task, and the
 * token read before the write would then be one no execution waits on any more.
 */
export async function resumeTaskWorkflow(deps: Deps, taskId: string, route: Route): Promise<void> {
  const current = await deps.store.getTask(taskId);
  if (current?.taskToken) await completeCallback(deps, current.taskToken, route);
}
