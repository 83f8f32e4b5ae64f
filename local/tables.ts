/**
 * Tables for DynamoDB Local, derived from what CDK synthesizes (or, for store tests, straight from TABLE_SPEC),
 * so the local table has exactly the keys and indexes the deployed one has.
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  type LocalSecondaryIndex,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { type IndexProjection, TABLE_SPEC } from '../functions/store/keys.ts';

/** The part of a synthesized CloudFormation template the local runtime reads. */
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Parameters?: Record<string, unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: output values are free-form CloudFormation expressions
  Outputs?: Record<string, { Value: any; Description?: string; Export?: { Name: any } }>;
}

export interface CfnResource {
  Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: properties are free-form, their shape depends on Type
  Properties?: any;
  // biome-ignore lint/suspicious/noExplicitAny: CDK metadata (aws:cdk:path, cdk_nag suppressions …)
  Metadata?: any;
}

const TABLE_TYPES = new Set(['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable']);
const ACTIVE_TIMEOUT_MS = 60_000;

/**
 * CreateTable inputs for every DynamoDB table of a template. The name is the literal `TableName`, else the
 * logical id (what the local runtime resolves a `Ref` to). Only the schema is carried over: keys, attribute
 * types, secondary indexes with their projections, streams. The rest is dropped on purpose: DynamoDB Local
 * ignores throughput (so billing is always on demand), has no encryption at rest to configure (and a KMS key
 * reference is an intrinsic that cannot resolve locally), does not support point-in-time recovery, and TTL,
 * tags and contributor insights are not CreateTable parameters at all (nor needed for local data).
 */
export function tableInputsFromTemplate(template: CfnTemplate, tablePrefix = ''): CreateTableCommandInput[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => TABLE_TYPES.has(resource.Type))
    .map(([logicalId, resource]) => tableInput(logicalId, resource.Properties ?? {}, tablePrefix));
}

interface CfnIndex {
  IndexName: string;
  KeySchema: KeySchemaElement[];
  Projection: GlobalSecondaryIndex['Projection'];
}

function tableInput(
  logicalId: string,
  props: Record<string, unknown>,
  tablePrefix: string,
): CreateTableCommandInput {
  const keySchema = props.KeySchema as KeySchemaElement[] | undefined;
  const attributes = props.AttributeDefinitions as AttributeDefinition[] | undefined;
  if (!Array.isArray(keySchema) || !Array.isArray(attributes)) {
    throw new Error(`table ${logicalId}: KeySchema and AttributeDefinitions must be literal lists`);
  }
  const index = ({ IndexName, KeySchema, Projection }: CfnIndex) => ({ IndexName, KeySchema, Projection });
  const gsis = (props.GlobalSecondaryIndexes as CfnIndex[] | undefined)?.map(index);
  const lsis = (props.LocalSecondaryIndexes as CfnIndex[] | undefined)?.map(index);
  const streamViewType = (props.StreamSpecification as { StreamViewType?: string } | undefined)
    ?.StreamViewType;
  return {
    TableName: tablePrefix + (typeof props.TableName === 'string' ? props.TableName : logicalId),
    KeySchema: keySchema,
    AttributeDefinitions: attributes,
    BillingMode: 'PAY_PER_REQUEST',
    ...(gsis?.length ? { GlobalSecondaryIndexes: gsis as GlobalSecondaryIndex[] } : {}),
    ...(lsis?.length ? { LocalSecondaryIndexes: lsis as LocalSecondaryIndex[] } : {}),
    ...(streamViewType
      ? {
          StreamSpecification: {
            StreamEnabled: true,
            StreamViewType: streamViewType as 'NEW_AND_OLD_IMAGES',
          },
        }
      : {}),
  };
}

/** The single table as CDK creates it from TABLE_SPEC: string pk/sk, each GSI with its own pk/sk and projection. */
export function tableInputFromSpec(tableName: string): CreateTableCommandInput {
  const keyNames = [
    TABLE_SPEC.partitionKey,
    TABLE_SPEC.sortKey,
    ...TABLE_SPEC.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  return {
    TableName: tableName,
    KeySchema: keySchema(TABLE_SPEC.partitionKey, TABLE_SPEC.sortKey),
    AttributeDefinitions: [...new Set(keyNames)].map((AttributeName) => ({
      AttributeName,
      AttributeType: 'S',
    })),
    BillingMode: 'PAY_PER_REQUEST',
    GlobalSecondaryIndexes: TABLE_SPEC.indexes.map((i) => ({
      IndexName: i.name,
      KeySchema: keySchema(i.partitionKey, i.sortKey),
      Projection: projectionOf(i.projection),
    })),
  };
}

/** A TABLE_SPEC projection as CreateTable (and CloudFormation) write it. */
export const projectionOf = (projection: IndexProjection): GlobalSecondaryIndex['Projection'] =>
  projection === 'ALL'
    ? { ProjectionType: 'ALL' }
    : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...projection] };

const keySchema = (hash: string, range: string): KeySchemaElement[] => [
  { AttributeName: hash, KeyType: 'HASH' },
  { AttributeName: range, KeyType: 'RANGE' },
];

/**
 * Creates the tables that are missing and waits until they and their indexes are ACTIVE. A table kept from
 * an earlier run (`.data/`) gains the GSIs the template added since; a changed primary key is an error,
 * since DynamoDB cannot change it in place.
 */
export async function ensureTables(client: DynamoDBClient, inputs: CreateTableCommandInput[]): Promise<void> {
  await Promise.all(inputs.map((input) => ensureTable(client, input)));
}

/** Deletes the tables (a runtime sharing a DynamoDB it did not start, on stop); a table already gone is fine. */
export async function deleteTables(client: DynamoDBClient, inputs: CreateTableCommandInput[]): Promise<void> {
  await Promise.all(
    inputs.map((input) =>
      client.send(new DeleteTableCommand({ TableName: input.TableName })).catch((error: Error) => {
        if (error.name !== 'ResourceNotFoundException') throw error;
      }),
    ),
  );
}

async function ensureTable(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  const tableName = input.TableName!;
  try {
    await client.send(new CreateTableCommand(input));
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUseException') throw error;
    await waitUntilActive(client, tableName);
    await addMissingIndexes(client, input);
  }
  await waitUntilActive(client, tableName);
}

async function addMissingIndexes(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  const tableName = input.TableName!;
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const keysOf = (schema: KeySchemaElement[] = []) =>
    schema.map((k) => `${k.AttributeName}:${k.KeyType}`).join(',');
  if (keysOf(Table?.KeySchema) !== keysOf(input.KeySchema)) {
    throw new Error(
      `table ${tableName} exists with key ${keysOf(Table?.KeySchema)} but ${keysOf(input.KeySchema)} is wanted: delete the local data to recreate it`,
    );
  }
  const existing = new Set((Table?.GlobalSecondaryIndexes ?? []).map((gsi) => gsi.IndexName));
  // One index per UpdateTable call, as DynamoDB requires.
  for (const gsi of input.GlobalSecondaryIndexes ?? []) {
    if (existing.has(gsi.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: input.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [
          { Create: { IndexName: gsi.IndexName, KeySchema: gsi.KeySchema, Projection: gsi.Projection } },
        ],
      }),
    );
    await waitUntilActive(client, tableName);
  }
}

async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  const deadline = Date.now() + ACTIVE_TIMEOUT_MS;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexes = Table?.GlobalSecondaryIndexes ?? [];
    if (Table?.TableStatus === 'ACTIVE' && indexes.every((gsi) => gsi.IndexStatus === 'ACTIVE')) return;
    if (Date.now() > deadline) throw new Error(`table ${tableName} not ACTIVE after ${ACTIVE_TIMEOUT_MS} ms`);
    await new Promise((done) => setTimeout(done, 50));
  }
}
