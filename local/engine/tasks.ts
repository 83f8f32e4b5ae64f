/** How a Task state's Resource is run locally; the forms CDK's LambdaInvoke synthesizes. */
export type TaskForm =
  /** Resource is a function ARN (payloadResponseOnly): the input is the payload, the result the return */
  | { kind: 'function'; functionArn: string }
  /** arn:aws:states:::lambda:invoke: input {FunctionName, Payload}, result {Payload, StatusCode} */
  | { kind: 'invoke' }
  /** arn:aws:states:::lambda:invoke.waitForTaskToken: result is SendTaskSuccess's output */
  | { kind: 'callback' }
  | { kind: 'unsupported'; resource: string };

export interface TaskStateInfo {
  name: string;
  form: TaskForm;
  /** TimeoutSeconds or TimeoutSecondsPath is set; otherwise AWS's default (99999999 s) applies */
  hasTimeout: boolean;
}

interface AnyState {
  Type?: string;
  Resource?: string;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Branches?: { States?: Record<string, AnyState> }[];
  Iterator?: { States?: Record<string, AnyState> };
  ItemProcessor?: { States?: Record<string, AnyState> };
}

const FUNCTION_ARN = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:/;
const SERVICE_INVOKE = /^arn:[^:]+:states:::lambda:invoke(\.waitForTaskToken)?$/;

/** Classifies a Task state's Resource. */
export function taskForm(resource: string): TaskForm {
  if (FUNCTION_ARN.test(resource)) return { kind: 'function', functionArn: resource };
  const service = SERVICE_INVOKE.exec(resource);
  if (service) return service[1] ? { kind: 'callback' } : { kind: 'invoke' };
  return { kind: 'unsupported', resource };
}

/** Every Task state of a definition, nested Parallel branches and Map processors included. */
export function taskStates(definition: object): TaskStateInfo[] {
  const found: TaskStateInfo[] = [];
  const walk = (states: Record<string, AnyState> | undefined) => {
    for (const [name, state] of Object.entries(states ?? {})) {
      if (state.Type === 'Task') {
        const hasTimeout = state.TimeoutSeconds !== undefined || state.TimeoutSecondsPath !== undefined;
        found.push({ name, form: taskForm(state.Resource ?? ''), hasTimeout });
      }
      for (const branch of state.Branches ?? []) walk(branch.States);
      walk(state.Iterator?.States);
      walk(state.ItemProcessor?.States);
    }
  };
  walk((definition as { States?: Record<string, AnyState> }).States);
  return found;
}

/** Deep copy of a JSON value with every occurrence of `from` inside strings replaced by `to`. */
export function replaceInJson(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value.includes(from) ? value.replaceAll(from, to) : value;
  if (Array.isArray(value)) return value.map((v) => replaceInJson(v, from, to));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceInJson(v, from, to)]));
  }
  return value;
}

/** Parameters key carrying a TimeoutSecondsPath value into the library; stripped before the handler sees it. */
export const TIMEOUT_KEY = '__localTimeoutSeconds';

/**
 * AWS resolves TimeoutSecondsPath against the state's input; the library resolves it against the result of
 * Parameters (where a LambdaInvoke's input is {FunctionName, Payload}). For a Task with both, this copy of
 * the definition resolves the path inside Parameters under TIMEOUT_KEY and points TimeoutSecondsPath there.
 */
export function adaptDefinition<T extends object>(definition: T): T {
  const copy = structuredClone(definition) as { States?: Record<string, AnyState> };
  const walk = (states: Record<string, AnyState> | undefined) => {
    for (const state of Object.values(states ?? {})) {
      const params = (state as { Parameters?: unknown }).Parameters;
      if (state.Type === 'Task' && state.TimeoutSecondsPath && params && typeof params === 'object') {
        (params as Record<string, unknown>)[`${TIMEOUT_KEY}.$`] = state.TimeoutSecondsPath;
        state.TimeoutSecondsPath = `$.${TIMEOUT_KEY}`;
      }
      for (const branch of state.Branches ?? []) walk(branch.States);
      walk(state.Iterator?.States);
      walk(state.ItemProcessor?.States);
    }
  };
  walk(copy.States);
  return copy as T;
}

/** The task's input without the adapter's key. */
export function withoutTimeoutKey(input: unknown): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input) || !(TIMEOUT_KEY in input)) return input;
  const { [TIMEOUT_KEY]: _, ...rest } = input as Record<string, unknown>;
  return rest;
}
