import type { Route } from '../core/procedure.ts';
import type { TaskItem } from '../store/task.ts';
import type { Deps } from './deps.ts';
import { armed } from './stage-entry.ts';

/**
 * Sends a task's route to the token its ending write found bound. That write holds only while the token read
 * before it is still bound (`TaskUpdate.sameToken`): a retried await-decision step or an escalation that bound a
 * new token meanwhile makes the write retry with the new one. A task without a token yet has no execution
 * waiting: the step that binds one finds the task done and replays its route.
 */
export async function resumeTaskWorkflow(deps: Deps, task: TaskItem, route: Route): Promise<void> {
  if (task.taskToken) await deps.workflow.complete(task.taskToken, armed(deps, route));
}
