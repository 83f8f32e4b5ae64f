/**
 * The ceiling a run's own writes can reach: every write request the run sent, recorded as DynamoDB received it
 * (marshalled), then sent again, raw, to a fresh table of the same schema (its indexes included) on the same
 * DynamoDB Local, `concurrency` at a time, with no API, engine or handler between client and database. The raw
 * two-item TransactWriteItems ceiling (bench/run.ts) is the database's rate for the smallest transaction; this one
 * is its rate for the items, indexes and transactions the system really writes, so the run's share of it says how
 * much of the database's throughput the rest of the system leaves unused.
 */
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { MiddlewareStack } from '@smithy/types';
import { tableInputFromSpec } from '../local/tables.ts';
import { cpuMeter } from './stats.ts';

/** A write request as sent: the low-level command's name and its marshalled input. */
export interface SentWrite {
  command: string;
  input: Record<string, unknown>;
}

// biome-ignore lint/suspicious/noExplicitAny: any command's input
type Stack = MiddlewareStack<any, any>;

const COMMANDS = {
  PutItemCommand,
  UpdateItemCommand,
  DeleteItemCommand,
  BatchWriteItemCommand,
  TransactWriteItemsCommand,
} as const;
const MIDDLEWARE = 'recordWrites';

/** What the recorder holds: the writes sent while it records. */
const recorded = { on: false, sent: [] as SentWrite[] };

/**
 * Records every write request `client` sends while recording is on (one middleware per client, in the build step,
 * after the document client has marshalled the input).
 */
export function writeRecorder(client: { middlewareStack: Stack }) {
  if (!client.middlewareStack.identify().some((m) => m.startsWith(MIDDLEWARE)))
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (recorded.on && context.commandName && context.commandName in COMMANDS)
          recorded.sent.push({ command: context.commandName, input: structuredClone(args.input) });
        return next(args);
      },
      { step: 'build', name: MIDDLEWARE },
    );
  return {
    start: () => {
      recorded.sent = [];
      recorded.on = true;
    },
    /** stops recording; the writes sent since `start`, in the order they were sent */
    stop: (): SentWrite[] => {
      recorded.on = false;
      return recorded.sent;
    },
  };
}

/**
 * `writes` sent again to a fresh table of the app's schema: requests per second, how many were refused, and the
 * cores DynamoDB Local (`dynamoDbPid`) was busy meanwhile.
 */
export async function replayCeiling(
  writes: readonly SentWrite[],
  concurrency: number,
  dynamoDbPid: number | undefined,
): Promise<{ requestsPerSecond: number; refused: number; dynamoDbCores: number | undefined }> {
  const client = new DynamoDBClient({});
  const table = `replay-${process.pid}-${Date.now()}`;
  await client.send(new CreateTableCommand(tableInputFromSpec(table)));
  try {
    const requests = writes.flatMap((w) => unconditional(retarget(w, table)));
    let next = 0;
    let refused = 0;
    const cpu = cpuMeter(dynamoDbPid);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests.length) {
          const { command, input } = requests[next++]!;
          // biome-ignore lint/suspicious/noExplicitAny: the recorded input of this very command
          const Command = COMMANDS[command as keyof typeof COMMANDS] as new (input: any) => PutItemCommand;
          await client.send(new Command(input)).catch(() => refused++);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { requestsPerSecond: requests.length / seconds, refused, dynamoDbCores: cpu().dynamoDbCores };
  } finally {
    await client.send(new DeleteTableCommand({ TableName: table }));
    client.destroy();
  }
}

/** The same write with every table name replaced by `table` (the app writes one table). */
function retarget(w: SentWrite, table: string): SentWrite {
  const input = structuredClone(w.input);
  if (w.command === 'TransactWriteItemsCommand')
    for (const item of input.TransactItems as Record<string, { TableName?: string }>[])
      for (const op of Object.values(item)) op.TableName = table;
  else if (w.command === 'BatchWriteItemCommand')
    input.RequestItems = Object.fromEntries(
      Object.values(input.RequestItems as object).map((v) => [table, v]),
    );
  else input.TableName = table;
  return { command: w.command, input };
}

/**
 * The same write without its conditions: replayed side by side, a write may reach the table before the one its
 * condition waited for, and a refused write would do less work than the run's did. Condition checks go; the
 * expression names and values only a condition used go with it (DynamoDB refuses unused ones), and a transaction
 * of checks alone.
 */
function unconditional(w: SentWrite): SentWrite[] {
  if (w.command === 'TransactWriteItemsCommand') {
    const items = (w.input.TransactItems as Record<string, Record<string, unknown>>[]).filter(
      (item) => !item.ConditionCheck,
    );
    if (!items.length) return [];
    return [
      {
        command: w.command,
        input: {
          ...w.input,
          TransactItems: items.map((item) =>
            Object.fromEntries(Object.entries(item).map(([op, o]) => [op, withoutCondition(o)])),
          ),
        },
      },
    ];
  }
  return [
    w.command === 'BatchWriteItemCommand' ? w : { command: w.command, input: withoutCondition(w.input) },
  ];
}

function withoutCondition(op: Record<string, unknown>): Record<string, unknown> {
  const { ConditionExpression: _, ExpressionAttributeNames, ExpressionAttributeValues, ...rest } = op;
  const used = [rest.UpdateExpression, rest.ProjectionExpression].filter(Boolean).join(' ');
  const keep = (o: unknown) => {
    const kept = Object.entries((o as Record<string, unknown>) ?? {}).filter(([k]) =>
      new RegExp(`${k}(?![\\w])`).test(used),
    );
    return kept.length ? Object.fromEntries(kept) : undefined;
  };
  const names = keep(ExpressionAttributeNames);
  const values = keep(ExpressionAttributeValues);
  return {
    ...rest,
    ...(names ? { ExpressionAttributeNames: names } : {}),
    ...(values ? { ExpressionAttributeValues: values } : {}),
  };
}
