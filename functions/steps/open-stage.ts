import { z } from 'zod';
import { HUMAN_STAGES } from '../core/procedure.ts';
import { openStage } from '../services/workflow.ts';
import { step } from './step.ts';

const plannedTask = z.object({
  taskId: z.string(),
  openedAt: z.string(),
  dueAt: z.string(),
  escalateAt: z.string(),
});

/**
 * A human stage's callback step: opens the task its route planned (idempotent) and binds the token to it; the
 * decision API completes it with the route the decision takes.
 */
export const handler = step(
  z.object({
    caseId: z.string(),
    stage: z.enum(HUMAN_STAGES),
    route: z.object({ task: plannedTask }).loose(),
    taskToken: z.string(),
  }),
  (input, deps) => openStage(deps, input.caseId, input.stage, input.route.task, input.taskToken),
);
