/** Services against a fresh DynamoDB Local table, with the workflow engine replaced by a recording fake. */

import type { Route } from '../../functions/core/procedure.ts';
import type { Deps } from '../../functions/services/deps.ts';
import type { ExecutionState, WorkflowInput, WorkflowPort } from '../../functions/services/workflow-port.ts';
import { Store } from '../../functions/store/store.ts';
import { DEMO_USERS } from '../../local/auth.ts';
import type { Procedure } from '../../schemas/domain.ts';
import type { User } from '../../schemas/records.ts';
import { freshTable } from '../support/ddb.ts';

/** The errors Step Functions answers for a token nobody waits on any more. */
const staleTokenError = () => Object.assign(new Error('task timed out'), { name: 'TaskTimedOut' });

/**
 * The workflow port as a test sees it: every call recorded; `stale` tokens answered like Step Functions answers a
 * token nothing waits on; `failStart` makes the next start fail like an unreachable engine.
 */
export class FakeWorkflow implements WorkflowPort {
  readonly started: { procedure: Procedure; name: string; input: WorkflowInput }[] = [];
  readonly sent: { token: string; route: Route }[] = [];
  readonly stopped: { executionArn: string; cause: string; error?: string }[] = [];
  readonly stale = new Set<string>();
  /** what `describe` answers, by execution ARN (none: no such execution) */
  readonly executions = new Map<string, ExecutionState>();
  liveVersionArn = 'arn:aws-cn:states:cn-north-1:000000000000:stateMachine:identification:1';
  failStart: Error | undefined;

  executionArn(procedure: Procedure, name: string): string {
    return `arn:aws-cn:states:cn-north-1:000000000000:execution:${procedure}:${name}`;
  }

  async start(procedure: Procedure, name: string, input: WorkflowInput): Promise<void> {
    if (this.failStart) throw this.failStart;
    this.started.push({ procedure, name, input });
  }

  async send(token: string, route: Route): Promise<void> {
    if (this.stale.has(token)) throw staleTokenError();
    this.sent.push({ token, route });
  }

  async complete(token: string, route: Route): Promise<boolean> {
    if (this.stale.has(token)) return false;
    this.sent.push({ token, route });
    return true;
  }

  async stop(executionArn: string, cause: string, error?: string): Promise<void> {
    this.stopped.push({ executionArn, cause, error });
  }

  async liveVersion(procedure: Procedure): Promise<string> {
    return this.liveVersionArn.replace(':identification:', `:${procedure}:`);
  }

  async describe(executionArn: string): Promise<ExecutionState | undefined> {
    return this.executions.get(executionArn);
  }
}

/** A settable clock: tests move time explicitly. */
export class TestClock {
  constructor(public ms: number) {}
  now = () => this.ms;
}

export interface ServiceWorld {
  deps: Deps;
  workflow: FakeWorkflow;
  clock: TestClock;
  store: Store;
}

/** Deps on a fresh table, the fake workflow, a test clock at `startIso` and predictable ids. */
export async function serviceWorld(startIso = '2026-11-02T09:00:00.000+08:00'): Promise<ServiceWorld> {
  const t = await freshTable('services');
  const store = new Store(t.doc, t.tableName);
  const workflow = new FakeWorkflow();
  const clock = new TestClock(Date.parse(startIso));
  let n = 0;
  const deps: Deps = {
    store,
    workflow,
    clock,
    newId: (prefix) => `${prefix}_${String(++n).padStart(4, '0')}`,
  };
  return { deps, workflow, clock, store };
}

/** A demo user by username (local/auth.ts). */
export function user(username: string): User {
  const found = DEMO_USERS.find((u) => u.username === username);
  if (!found) throw new Error(`no demo user ${username}`);
  return found;
}
