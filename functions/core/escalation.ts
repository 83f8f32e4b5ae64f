import { createHash } from 'node:crypto';

/** Escalations of tasks due at the same instant spread over this window after it. */
export const ESCALATION_SPREAD_MS = 3_600_000;

/**
 * How long after its due date a task escalates: a fixed offset in [0, 1 h) drawn from the task id. Due dates fall
 * at local midnight, so without it every overdue task of a province (or the country) would escalate in the same
 * second; with it they arrive spread over the hour, and a task always escalates at the same offset (a retried or
 * resumed step computes the same instant).
 */
export function escalationOffsetMs(taskId: string): number {
  const digest = createHash('sha256').update(taskId).digest();
  return digest.readUInt32BE(0) % ESCALATION_SPREAD_MS;
}

/** When a task due at `dueMs` escalates. */
export const escalationAt = (taskId: string, dueMs: number): number => dueMs + escalationOffsetMs(taskId);

/** The due date an escalation instant stands for (its offset removed), to compute the next one from. */
export const dueOfEscalation = (taskId: string, escalateAtMs: number): number =>
  escalateAtMs - escalationOffsetMs(taskId);
