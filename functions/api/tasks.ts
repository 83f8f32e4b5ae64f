import { sharedDeps } from '../services/deps.ts';
import { assignees, claim, decide, getTask, inbox, reassign, unclaim } from '../services/tasks.ts';
import { routeGroup } from './http.ts';
import { staffDirectory } from './middleware/identity.ts';

/**
 * Task routes: the inbox (with its filters and the escalations view), one task, claim/unclaim, decisions, and
 * reassignment to a colleague. Reviewers calling them enter the staff directory.
 */
export const handler = routeGroup('tasks', {
  listTasks: ({ user, query }) => inbox(sharedDeps(), user, query),
  getTask: ({ user, params }) => getTask(sharedDeps(), user, params.taskId),
  claimTask: ({ user, params }) => claim(sharedDeps(), user, params.taskId),
  unclaimTask: ({ user, params }) => unclaim(sharedDeps(), user, params.taskId),
  decideTask: ({ user, params, body }) => decide(sharedDeps(), user, params.taskId, body),
  listAssignees: ({ user, params }) => assignees(sharedDeps(), user, params.taskId),
  reassignTask: ({ user, params, body }) => reassign(sharedDeps(), user, params.taskId, body),
}).use(staffDirectory());
