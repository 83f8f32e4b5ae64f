import type { Procedure } from '../../schemas/domain.ts';
import type { Route } from '../core/procedure.ts';

/** What an execution of a procedure's state machine starts with: the case and where it enters. */
export interface WorkflowInput {
  caseId: string;
  route: Route;
}

/** An execution as the engine reports it: its status and the state-machine version it runs. */
export interface ExecutionState {
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';
  versionArn?: string;
}

/**
 * The workflow engine as the use cases see it (Step Functions on AWS, the local runtime's engine behind the same
 * API), one state machine per procedure: start an execution of a procedure's, complete a waiting callback task, stop an execution, and what a migration needs to
 * know (the live version, an execution's). The services hold no SDK client; `Deps.workflow` is this port, and
 * tests pass a fake that records what was asked.
 */
export interface WorkflowPort {
  /** The id (ARN) of the execution named `name` of the procedure's state machine. */
  executionArn(procedure: Procedure, name: string): string;
  /**
   * Starts an execution of the procedure's state machine named `name` (unique per state machine), through its
   * live alias: on the newest published version.
   */
  start(procedure: Procedure, name: string, input: WorkflowInput): Promise<void>;
  /** Sends `route` to the callback task waiting on `token`; any failure, a stale token too, is thrown. */
  send(token: string, route: Route): Promise<void>;
  /**
   * Like `send`, but a token nothing waits on any more is not an error (false): the decision is already stored,
   * and the step that binds the next token replays it.
   */
  complete(token: string, route: Route): Promise<boolean>;
  /**
   * Stops an execution (a case withdrawn while no callback task waits, e.g. in its publicity Wait; a migration
   * moving a case to the newest version), failing it with `error`.
   */
  stop(executionArn: string, cause: string, error?: string): Promise<void>;
  /** The version of the procedure's state machine its live alias routes new executions to. */
  liveVersion(procedure: Procedure): Promise<string>;
  /** The execution's state; undefined when the engine has no such execution. */
  describe(executionArn: string): Promise<ExecutionState | undefined>;
}
