import { z } from 'zod';
import { HUMAN_STAGES } from '../core/procedure.ts';
import { openStage } from '../services/workflow.ts';
import { executionStart, step } from './step.ts';

/** Opens a human stage's task (idempotent); returns `{ taskId, dueAt, timeoutSeconds }` for the wait. */
export const handler = step(
  z.object({ caseId: z.string(), stage: z.enum(HUMAN_STAGES), executionStartedAt: executionStart }),
  (input, deps) => openStage(deps, input.caseId, input.stage, input.executionStartedAt),
);
