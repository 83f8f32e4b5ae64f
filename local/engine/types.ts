import type { ExecutionRecord } from './journal.ts';
import type { ExecutionStatus } from './protocol.ts';

export interface StateMachineSpec {
  arn: string;
  name: string;
  /** the ASL definition as CDK synthesized it, already resolved: version 1 */
  definition: object;
  /** aliases (names), each pointing at the newest version, as this app's deploys move them */
  aliases?: string[];
}

/** An alias as DescribeStateMachineAlias answers it. */
export interface AliasDescription {
  stateMachineAliasArn: string;
  name: string;
  routingConfiguration: { stateMachineVersionArn: string; weight: number }[];
}

export interface EngineOptions {
  stateMachines: StateMachineSpec[];
  /** runs a Lambda handler: the function's ARN or name (as the definition names it) and the event */
  invoke: (functionArn: string, payload: unknown) => Promise<unknown>;
  /** JSON file persisting executions across restarts */
  journalPath?: string;
  /** source of SIM_TIME_ANCHOR / TIME_SCALE, default process.env */
  env?: NodeJS.ProcessEnv;
}

export type ExecutionDescription = ExecutionRecord;
export type ExecutionListItem = Pick<
  ExecutionRecord,
  'executionArn' | 'stateMachineArn' | 'name' | 'status' | 'startDate' | 'stopDate'
>;

export interface ListExecutionsPage {
  executions: ExecutionListItem[];
  nextToken?: string;
}

export interface Engine {
  startExecution(p: { stateMachineArn: string; name?: string; input: unknown }): Promise<{
    executionArn: string;
    startDate: number;
  }>;
  /**
   * Re-enters an execution under its own ARN with `input` (a case resumed at its stage after a restart), whatever
   * an earlier run of that name left in the journal; an execution already running here is left alone.
   */
  resume(executionArn: string, input: unknown): Promise<{ executionArn: string; startDate: number }>;
  /**
   * Publishes `definition` as the state machine's next version and moves its aliases to it, as a deploy does;
   * executions already running stay on their version. Resolves with the new version's ARN.
   */
  publishVersion(stateMachineArn: string, definition: object): Promise<string>;
  describeStateMachineAlias(aliasArn: string): Promise<AliasDescription>;
  sendTaskSuccess(token: string, output: unknown): Promise<void>;
  /** Fails the token's task with States.Timeout, as its timeout firing first would (the callback-late fault). */
  timeOutTask(token: string): Promise<void>;
  sendTaskFailure(token: string, error?: string, cause?: string): Promise<void>;
  sendTaskHeartbeat(token: string): Promise<void>;
  describeExecution(executionArn: string): Promise<ExecutionDescription>;
  /** resolves with the stop date */
  stopExecution(executionArn: string, error?: string, cause?: string): Promise<{ stopDate: number }>;
  listExecutions(
    stateMachineArn: string,
    status?: ExecutionStatus,
    page?: { maxResults?: number; nextToken?: string },
  ): Promise<ListExecutionsPage>;
  /** executions the journal says were RUNNING when the previous engine stopped (for resume) */
  interrupted(): ExecutionRecord[];
  /** resolves when the execution leaves RUNNING (tests) */
  waitForExecution(executionArn: string, timeoutMs?: number): Promise<ExecutionDescription>;
  /** counters for benchmarks: state transitions (StateEntered events) and task invocations */
  stats(): { transitions: number; invocations: number; executions: number };
  /** what is going on now (drills wait for quiet): handler calls running, running executions, those waiting on a callback */
  activity(): { handlersRunning: number; running: string[]; waiting: string[] };
  /**
   * Follows a new scale of the simulated clock its env now holds (SIM_TIME_ANCHOR / TIME_SCALE, re-anchored at
   * the instant reached): waits and task timeouts in flight end at the same simulated instants as before.
   */
  retime(): void;
  /** aborts running executions without finishing them in the journal (a restart resumes them); ends the worker */
  stop(): Promise<void>;
}
