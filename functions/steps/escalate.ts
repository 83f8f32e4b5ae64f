import { z } from 'zod';
import { escalate } from '../services/workflow.ts';
import { step } from './step.ts';

/** A stage's wait timed out: flag overdue once per due date and re-arm the wait. */
export const handler = step(z.object({ caseId: z.string(), taskId: z.string() }), (input, deps) =>
  escalate(deps, input.taskId),
);
