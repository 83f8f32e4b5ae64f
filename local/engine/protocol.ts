import type { SimTime } from '../../functions/commons/clock.ts';

/** Messages between the engine (main thread) and its interpreter worker. All payloads are JSON values. */

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface WorkerData {
  sim: SimTime | null;
  stateMachines: { arn: string; definition: object }[];
}

export type ToWorker =
  /** `stateMachineArn` names a version: the worker interprets what `define` gave it under that ARN */
  | { type: 'start'; executionArn: string; stateMachineArn: string; input: unknown; context: object }
  | { type: 'define'; arn: string; definition: object }
  | { type: 'abort'; executionArn: string }
  /** the simulated clock goes on at a new scale from the instant it reached (sim-timers.ts `retime`) */
  | { type: 'retime'; sim: SimTime }
  | { type: 'settle'; callId: number; ok: true; value: unknown }
  | { type: 'settle'; callId: number; ok: false; error: { name: string; message: string } };

export type FromWorker =
  | { type: 'ready' }
  | {
      type: 'invoke';
      callId: number;
      executionArn: string;
      functionArn: string;
      payload: unknown;
      /** set for `.waitForTaskToken` tasks: the fresh token injected into the payload */
      token?: string;
      transitions: number;
    }
  /** a callback task timed out (States.Timeout): its token is dead */
  | { type: 'expired'; token: string; transitions: number }
  | {
      type: 'done';
      executionArn: string;
      status: Exclude<ExecutionStatus, 'RUNNING'>;
      output?: unknown;
      error?: string;
      cause?: string;
      transitions: number;
    };
