import { z } from 'zod';
import { countEvent, METRIC } from '../commons/observability.ts';
import { HUMAN_STAGES } from '../core/procedure.ts';
import { escalate } from '../services/workflow.ts';
import { executionStart, step } from './step.ts';

const stageWait = z
  .object({
    target: z.enum(HUMAN_STAGES),
    task: z.object({ taskId: z.string(), openedAt: z.string(), dueAt: z.string(), escalateAt: z.string() }),
  })
  .loose();

/** A stage's wait timed out: flag overdue once per due date and re-arm the wait (or renew the execution). */
export const handler = step(
  z.object({ caseId: z.string(), route: stageWait, executionStartedAt: executionStart }),
  async (input, deps) => {
    const { target, task: planned } = input.route;
    const task = await escalate(deps, planned.taskId, input.executionStartedAt, { target, task: planned });
    if (task.escalated) countEvent(METRIC.tasksEscalated);
    return task;
  },
);
