/**
 * How long one execution carries a case. Step Functions ends a Standard execution after one year; a task can sit
 * for months, escalated every few working days, so a case's execution hands over to a fresh one at the same stage
 * once it is this old: half the limit, which leaves every wait that may follow (supplement, publicity) ample room.
 */
export const EXECUTION_HORIZON_MS = 180 * 86_400_000;

/** When an execution that started at `startedAtMs` renews itself. */
export const renewalDueAt = (startedAtMs: number): number => startedAtMs + EXECUTION_HORIZON_MS;

/**
 * The name of the execution that takes over from `name`: `C1` → `C1.2` → `C1.3`. Names are unique per state machine
 * (for 90 days after an execution closes), so each generation gets its own, and a retried hand-over the same one.
 */
export function nextExecutionName(name: string): string {
  const m = /^(.*)\.(\d+)$/.exec(name);
  return m ? `${m[1]}.${Number(m[2]) + 1}` : `${name}.2`;
}

/** The execution's name: the last segment of its ARN. */
export const executionNameOf = (executionArn: string): string =>
  executionArn.slice(executionArn.lastIndexOf(':') + 1);
