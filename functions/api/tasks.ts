import { z } from 'zod';
import { decisionBodySchema } from '../../schemas/decision.ts';
import { taskListQuerySchema } from '../../schemas/queries.ts';
import { reassignBodySchema } from '../../schemas/staff.ts';
import { sharedDeps } from '../services/deps.ts';
import { assignees, claim, decide, getTask, inbox, reassign, unclaim } from '../services/tasks.ts';
import { route, routeGroup } from './http.ts';
import { staffDirectory } from './middleware/identity.ts';

const taskParams = z.object({ taskId: z.string().min(1).max(100) });

/**
 * Task routes: the inbox (with its filters and the escalations view), one task, claim/unclaim, decisions, and
 * reassignment to a colleague. Reviewers calling them enter the staff directory.
 */
export const handler = routeGroup('tasks', [
  route({ method: 'GET', path: '/api/tasks', query: taskListQuerySchema }, ({ user, query }) =>
    inbox(sharedDeps(), user, query),
  ),
  route({ method: 'GET', path: '/api/tasks/{taskId}', params: taskParams }, ({ user, params }) =>
    getTask(sharedDeps(), user, params.taskId),
  ),
  route({ method: 'POST', path: '/api/tasks/{taskId}/claim', params: taskParams }, ({ user, params }) =>
    claim(sharedDeps(), user, params.taskId),
  ),
  route({ method: 'POST', path: '/api/tasks/{taskId}/unclaim', params: taskParams }, ({ user, params }) =>
    unclaim(sharedDeps(), user, params.taskId),
  ),
  route(
    { method: 'POST', path: '/api/tasks/{taskId}/decision', params: taskParams, body: decisionBodySchema },
    ({ user, params, body }) => decide(sharedDeps(), user, params.taskId, body),
  ),
  route({ method: 'GET', path: '/api/tasks/{taskId}/assignees', params: taskParams }, ({ user, params }) =>
    assignees(sharedDeps(), user, params.taskId),
  ),
  route(
    { method: 'POST', path: '/api/tasks/{taskId}/reassign', params: taskParams, body: reassignBodySchema },
    ({ user, params, body }) => reassign(sharedDeps(), user, params.taskId, body),
  ),
]).use(staffDirectory());
