import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { MiddlewareStack } from '@smithy/types';

/**
 * Test mode only: with AWS_COMMAND_LOG set to a directory, every AWS SDK command a handler module sends is
 * recorded there as the IAM actions it needs, one JSON line `{entry, action}` per new pair, one file per
 * process and thread. The IAM test asserts that each Lambda's synthesized policy grants exactly what its module
 * was seen to call. Unset (AWS, `npm start`), no middleware is added at all.
 */
export const COMMAND_LOG_ENV = 'AWS_COMMAND_LOG';

/** The handler module (repository-relative entry) whose invocation the current async context belongs to. */
const running = new AsyncLocalStorage<string>();

/**
 * Runs `fn` as an invocation of the handler module `entry`: commands it sends are attributed to that module.
 * The local runtime wraps every Lambda invocation in it, since one process there hosts every function.
 */
export const asHandler = <T>(entry: string, fn: () => T): T => running.run(entry, fn);

/** The handler module whose invocation is running here, if any. */
export const runningHandler = (): string | undefined => running.getStore();

/** One record per IAM action the command is authorised as. */
export interface CommandRecord {
  entry: string;
  action: string;
}

type TransactItem = Partial<Record<'Put' | 'Update' | 'Delete' | 'ConditionCheck' | 'Get', unknown>>;
/** A transaction has no IAM action of its own: each of its items is authorised as its own operation. */
const TRANSACT_ITEM_ACTIONS: Record<keyof TransactItem, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
  Get: 'GetItem',
};
const IAM_PREFIX: Record<string, string> = { DynamoDBClient: 'dynamodb', SFNClient: 'states' };

/** The IAM actions a command needs (`dynamodb:PutItem`, `states:SendTaskSuccess`). */
export function iamActionsOf(clientName: string, commandName: string, input: unknown): string[] {
  const prefix = IAM_PREFIX[clientName] ?? clientName.replace(/Client$/, '').toLowerCase();
  const operation = commandName.replace(/Command$/, '');
  if (prefix === 'dynamodb' && operation.startsWith('Transact')) {
    const items = (input as { TransactItems?: TransactItem[] }).TransactItems ?? [];
    const kinds = items.flatMap((item) => Object.keys(item) as (keyof TransactItem)[]);
    return [...new Set(kinds)].map((k) => `dynamodb:${TRANSACT_ITEM_ACTIONS[k]}`);
  }
  return [`${prefix}:${operation}`];
}

/** A client of the AWS SDK v3 (its middleware stack is all the recorder touches). */
interface SdkClient {
  // biome-ignore lint/suspicious/noExplicitAny: any service's input and output
  middlewareStack: MiddlewareStack<any, any>;
}

const seen = new Set<string>();

/** Adds the recording middleware to `client` when the test run asked for it; returns the client. */
export function recordCommands<C extends SdkClient>(client: C): C {
  const dir = process.env[COMMAND_LOG_ENV];
  if (!dir) return client;
  const file = join(dir, `${process.pid}-${threadId}.jsonl`);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const entry = running.getStore();
      if (entry) {
        for (const action of iamActionsOf(context.clientName ?? '', context.commandName ?? '', args.input)) {
          const line = JSON.stringify({ entry, action } satisfies CommandRecord);
          if (seen.has(line)) continue;
          seen.add(line);
          appendFileSync(file, `${line}\n`);
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  return client;
}
