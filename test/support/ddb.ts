/** Test helpers for the shared DynamoDB Local started by global-setup.ts. */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { localDynamoDbClient } from '../../local/dynamodb.ts';
import { ensureTables, tableInputFromSpec } from '../../local/tables.ts';

export interface FreshTable {
  tableName: string;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
}

/**
 * Creates a uniquely named table shaped like the real one (TABLE_SPEC) and points `TABLE_NAME` at it, so
 * test files running side by side never see each other's items. `prefix` may use letters, digits, `_-.`.
 */
export async function freshTable(prefix = 'test'): Promise<FreshTable> {
  const tableName = `${prefix}-${randomUUID()}`;
  const client = localDynamoDbClient(inject('ddbEndpoint'));
  await ensureTables(client, [tableInputFromSpec(tableName)]);
  process.env.TABLE_NAME = tableName;
  // The same marshalling as functions/commons/clients.ts, so tests write what handlers would.
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { tableName, client, doc };
}
