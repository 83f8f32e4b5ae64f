/**
 * The interpreter thread: runs aws-local-stepfunctions on simulated time and sends every Task back to the
 * engine (main thread), which runs the handler. Started by spawn.ts; speaks protocol.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { installPromiseWithResolvers } from './polyfills.ts';
import type { FromWorker, ToWorker, WorkerData } from './protocol.ts';
import { installSimTime, type TimerPlan } from './sim-timers.ts';
import {
  adaptDefinition,
  replaceInJson,
  type TaskStateInfo,
  taskStates,
  withoutTimeoutKey,
} from './tasks.ts';
import { mintToken } from './tokens.ts';

/** AWS's Task timeout when the definition sets none (the ASL spec's 60 s is what the library assumes). */
const AWS_DEFAULT_TASK_TIMEOUT_MS = 99_999_999 * 1000;

type Json = Parameters<import('aws-local-stepfunctions').StateMachine['run']>[0];
type LocalHandler = (input: Json) => Promise<Json>;

interface Call {
  executionArn: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface Run {
  abort: () => void;
  /** the run's context token ($$.Task.Token), the same for every task; replaced by a fresh one per task */
  staticToken: string;
  callIds: Set<number>;
}

const port = parentPort!;
const data = workerData as WorkerData;
installPromiseWithResolvers();
const clock = installSimTime(data.sim);
const { StateMachine, ExecutionAbortedError, ExecutionTimeoutError, ExecutionError } = await import(
  'aws-local-stepfunctions'
);

const interpreted = (definition: object) => ({
  machine: new StateMachine(adaptDefinition(definition) as never, { validationOptions: { checkArn: false } }),
  tasks: taskStates(definition),
});
/** by version ARN */
const machines = new Map(data.stateMachines.map(({ arn, definition }) => [arn, interpreted(definition)]));
const runs = new Map<string, Run>();
const calls = new Map<number, Call>();
let nextCallId = 1;
let transitions = 0;

const post = (message: FromWorker) => port.postMessage(message);

/** A task failure whose `name` is what Retry/Catch `ErrorEquals` match (the library compares error.name). */
function taskError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** Sends one task to the engine and returns the promise its answer (a `settle` message) resolves. */
function call(
  run: Run,
  message: Omit<Extract<FromWorker, { type: 'invoke' }>, 'type' | 'callId' | 'transitions'>,
) {
  const callId = nextCallId++;
  run.callIds.add(callId);
  const answer = new Promise<unknown>((resolve, reject) => {
    calls.set(callId, { executionArn: message.executionArn, resolve, reject });
  });
  post({ ...message, type: 'invoke', callId, transitions });
  return { callId, answer };
}

/**
 * The interpreter sets its task timeout timer synchronously right after calling the local handler; this
 * rewrites that timer: AWS's default when the state sets no timeout, real (unscaled) time for plain Lambda
 * work, and for callback tasks the token dies the moment the timeout fires.
 */
function planTaskTimer(task: TaskStateInfo, onTimeout?: () => void) {
  clock.interceptNextTimer(
    (plan): TimerPlan => ({
      delayMs: task.hasTimeout ? plan.delayMs : AWS_DEFAULT_TASK_TIMEOUT_MS,
      realTime: task.form.kind !== 'callback',
      callback: () => {
        onTimeout?.();
        plan.callback();
      },
    }),
  );
}

function handlerFor(run: Run, executionArn: string, task: TaskStateInfo): LocalHandler {
  return async (raw) => {
    const input = withoutTimeoutKey(raw) as Json;
    const form = task.form;
    const params = (input ?? {}) as { FunctionName?: unknown; Payload?: unknown };
    if (form.kind === 'unsupported') {
      throw taskError('States.Runtime', `local engine cannot run Task resource ${form.resource}`);
    }
    if (form.kind === 'function') {
      planTaskTimer(task);
      return (await call(run, { executionArn, functionArn: form.functionArn, payload: input })
        .answer) as Json;
    }
    if (typeof params.FunctionName !== 'string') {
      throw taskError('States.Runtime', `Task ${task.name}: Parameters.FunctionName must be a string`);
    }
    if (form.kind === 'invoke') {
      planTaskTimer(task);
      const payload = params.Payload ?? null;
      const value = await call(run, { executionArn, functionArn: params.FunctionName, payload }).answer;
      return { ExecutedVersion: '$LATEST', Payload: value, StatusCode: 200 } as Json;
    }
    const token = mintToken();
    const payload = replaceInJson(params.Payload ?? null, run.staticToken, token);
    const { callId, answer } = call(run, { executionArn, functionArn: params.FunctionName, payload, token });
    planTaskTimer(task, () => {
      calls.delete(callId);
      run.callIds.delete(callId);
      post({ type: 'expired', token, transitions });
    });
    return (await answer) as Json;
  };
}

/** Counts StateEntered events; resolves once the run's event log closes (the run has ended). */
async function countTransitions(events: AsyncGenerator<{ type: string }>) {
  for await (const event of events) if (event.type === 'StateEntered') transitions++;
}

function finish(
  executionArn: string,
  outcome: Omit<Extract<FromWorker, { type: 'done' }>, 'type' | 'transitions'>,
) {
  const run = runs.get(executionArn);
  if (!run) return;
  runs.delete(executionArn);
  for (const callId of run.callIds) calls.delete(callId);
  post({ ...outcome, type: 'done', transitions });
}

function start(message: Extract<ToWorker, { type: 'start' }>) {
  const { executionArn } = message;
  const entry = machines.get(message.stateMachineArn);
  if (!entry) {
    post({
      type: 'done',
      executionArn,
      status: 'FAILED',
      error: 'States.Runtime',
      cause: 'unknown state machine',
      transitions,
    });
    return;
  }
  const run: Run = { abort: () => {}, staticToken: mintToken(), callIds: new Set() };
  const handlers = Object.fromEntries(
    entry.tasks.map((task) => [task.name, handlerFor(run, executionArn, task)]),
  );
  const execution = entry.machine.run(message.input as Json, {
    overrides: { taskResourceLocalHandlers: handlers },
    context: { ...message.context, Task: { Token: run.staticToken } },
  });
  run.abort = execution.abort;
  runs.set(executionArn, run);
  // 'done' waits for the event log to drain, so its transition count includes this run's last state.
  const drained = countTransitions(execution.eventLogs).catch(() => {});
  const settled = execution.result.finally(() => drained);
  settled.then(
    (output) => finish(executionArn, { executionArn, status: 'SUCCEEDED', output }),
    (error: unknown) => {
      if (error instanceof ExecutionAbortedError)
        return finish(executionArn, { executionArn, status: 'ABORTED' });
      if (error instanceof ExecutionTimeoutError) {
        return finish(executionArn, { executionArn, status: 'TIMED_OUT', error: 'States.Timeout' });
      }
      const cause =
        error instanceof ExecutionError && error.cause instanceof Error ? error.cause : (error as Error);
      finish(executionArn, { executionArn, status: 'FAILED', error: cause.name, cause: cause.message });
    },
  );
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'start') start(message);
  else if (message.type === 'define') machines.set(message.arn, interpreted(message.definition));
  else if (message.type === 'abort') runs.get(message.executionArn)?.abort();
  else if (message.type === 'retime') clock.retime(message.sim);
  else {
    const pending = calls.get(message.callId);
    if (!pending) return; // the task already timed out or its execution stopped
    calls.delete(message.callId);
    runs.get(pending.executionArn)?.callIds.delete(message.callId);
    if (message.ok) pending.resolve(message.value);
    else pending.reject(taskError(message.error.name, message.error.message));
  }
});
post({ type: 'ready' });
