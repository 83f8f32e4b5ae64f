import { z } from 'zod';
import { decisionBodySchema } from '../../schemas/decision.ts';
import { taskListQuerySchema } from '../../schemas/queries.ts';
import { sharedDeps } from '../services/deps.ts';
import { claim, decide, getTask, inbox, unclaim } from '../services/tasks.ts';
import { route, routeGroup } from './http.ts';

const taskParams = z.object({ taskId: z.string().min(1).max(100) });

/** Task routes of contract v1: the inbox, one task, claim/unclaim, decisions. */
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
]);
