import { z } from 'zod';
import { awaitDecision } from '../services/workflow.ts';
import { step } from './step.ts';

/** Callback step: binds the token to the task; the decision API completes it with the route. */
export const handler = step(
  z.object({ caseId: z.string(), taskId: z.string(), taskToken: z.string() }),
  (input, deps) => awaitDecision(deps, input.caseId, input.taskId, input.taskToken),
);
