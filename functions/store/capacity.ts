import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { MiddlewareStack } from '@smithy/types';

/**
 * Capacity units this process consumed, from ReturnConsumedCapacity on every request: the benchmark turns
 * them into units per case and cost per case.
 */
export const consumed = { readUnits: 0, writeUnits: 0, reads: 0, writes: 0 };

export function record(
  kind: 'read' | 'write',
  capacity: ConsumedCapacity | ConsumedCapacity[] | undefined,
): void {
  let units = 0;
  for (const c of Array.isArray(capacity) ? capacity : capacity ? [capacity] : [])
    units += c.CapacityUnits ?? 0;
  if (kind === 'read') {
    consumed.reads++;
    consumed.readUnits += units;
  } else {
    consumed.writes++;
    consumed.writeUnits += units;
  }
}

export function resetConsumed(): void {
  Object.assign(consumed, { readUnits: 0, writeUnits: 0, reads: 0, writes: 0 });
}

/** Which requests read and which write (the low-level command names the document client sends); others are not counted. */
const KIND_OF: Record<string, 'read' | 'write'> = {
  GetItemCommand: 'read',
  BatchGetItemCommand: 'read',
  QueryCommand: 'read',
  PutItemCommand: 'write',
  UpdateItemCommand: 'write',
  DeleteItemCommand: 'write',
  BatchWriteItemCommand: 'write',
  TransactWriteItemsCommand: 'write',
};
const MIDDLEWARE = 'countCapacity';

/** A client of the AWS SDK v3 (its middleware stack is all the counter touches). */
interface SdkClient {
  // biome-ignore lint/suspicious/noExplicitAny: any command's input and output
  middlewareStack: MiddlewareStack<any, any>;
}

/**
 * Adds the capacity counter to a DynamoDB (document) client, once: every read and write asks for its consumed
 * capacity (TOTAL) and adds it to `consumed`, so no request states ReturnConsumedCapacity itself.
 */
export function countCapacity<C extends SdkClient>(client: C): C {
  if (client.middlewareStack.identify().some((m) => m.startsWith(MIDDLEWARE))) return client;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const kind = KIND_OF[context.commandName ?? ''];
      if (!kind) return next(args);
      const out = await next({ ...args, input: { ReturnConsumedCapacity: 'TOTAL', ...args.input } });
      record(
        kind,
        (out.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity,
      );
      return out;
    },
    { step: 'initialize', name: MIDDLEWARE },
  );
  return client;
}
