import { z } from 'zod';
import { countEvent, METRIC } from '../commons/observability.ts';
import { escalate } from '../services/workflow.ts';
import { executionStart, step } from './step.ts';

/** A stage's wait timed out: flag overdue once per due date and re-arm the wait (or renew the execution). */
export const handler = step(
  z.object({ caseId: z.string(), taskId: z.string(), executionStartedAt: executionStart }),
  async (input, deps) => {
    const task = await escalate(deps, input.taskId, input.executionStartedAt);
    if (task.escalated) countEvent(METRIC.tasksEscalated);
    return task;
  },
);
