import { z } from 'zod';
import { countEvent, METRIC } from '../commons/observability.ts';
import { ANSWERED_AT_ONCE, escalate } from '../services/workflow.ts';
import { step } from './step.ts';

/** A stage's wait timed out: flag overdue once per due date and re-arm the wait. */
export const handler = step(z.object({ caseId: z.string(), taskId: z.string() }), async (input, deps) => {
  const task = await escalate(deps, input.taskId);
  // Still open and past its due date: it was escalated (an early or answered wake-up escalates nothing).
  if (task.taskId && Date.parse(task.dueAt) < deps.clock.now() && task.timeoutSeconds < ANSWERED_AT_ONCE) {
    countEvent(METRIC.tasksEscalated);
  }
  return task;
});
