import { randomBytes } from 'node:crypto';
import { EngineError } from './errors.ts';

/** Opaque task tokens: a fixed prefix and 66 random bytes, base64url (90 characters, AWS allows 1024). */
const TOKEN_SHAPE = /^AQ[A-Za-z0-9_-]{88}$/;
/** How many closed tokens are remembered, so a late SendTaskSuccess gets TaskTimedOut, not TaskDoesNotExist. */
const CLOSED_MEMORY = 100_000;

/** Mints a fresh task token (one per task entry). */
export const mintToken = (): string => `AQ${randomBytes(66).toString('base64url')}`;

export interface OpenTask {
  executionArn: string;
  callId: number;
}

/** The tokens of callback tasks waiting for SendTaskSuccess/Failure; each is usable exactly once. */
export class TokenRegistry {
  private readonly open = new Map<string, OpenTask>();
  private readonly closed = new Set<string>();
  private readonly byExecution = new Map<string, Set<string>>();

  /** Registers the token a task was just given. */
  add(token: string, task: OpenTask): void {
    this.open.set(token, task);
    const tokens = this.byExecution.get(task.executionArn) ?? new Set();
    this.byExecution.set(task.executionArn, tokens.add(token));
  }

  /** The open task of a token, or the error AWS gives for it. */
  get(token: string): OpenTask {
    const task = this.open.get(token);
    if (task) return task;
    if (typeof token !== 'string' || !TOKEN_SHAPE.test(token))
      throw new EngineError('InvalidToken', 'Invalid token');
    if (this.closed.has(token)) throw new EngineError('TaskTimedOut', 'Provided task does not exist anymore');
    throw new EngineError('TaskDoesNotExist', 'Task does not exist');
  }

  /** Takes the token's task and closes the token (single use). */
  take(token: string): OpenTask {
    const task = this.get(token);
    this.close(token);
    return task;
  }

  /** Closes a token; true when it was open. */
  close(token: string): boolean {
    const task = this.open.get(token);
    if (!task) return false;
    this.open.delete(token);
    const tokens = this.byExecution.get(task.executionArn);
    tokens?.delete(token);
    if (tokens?.size === 0) this.byExecution.delete(task.executionArn);
    this.closed.add(token);
    if (this.closed.size > CLOSED_MEMORY) this.closed.delete(this.closed.values().next().value!);
    return true;
  }

  /** The executions with a callback task waiting for its token. */
  waitingExecutions(): string[] {
    return [...this.byExecution.keys()];
  }

  /** Closes every token of an execution that stopped. */
  closeExecution(executionArn: string): void {
    for (const token of [...(this.byExecution.get(executionArn) ?? [])]) this.close(token);
  }

  /** Closes everything (engine stopped). */
  closeAll(): void {
    for (const token of [...this.open.keys()]) this.close(token);
  }
}
