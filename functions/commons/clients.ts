import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { recordCommands } from './command-log.ts';

/**
 * AWS clients, built once per process and shared by every handler. Endpoints come from the SDK's standard
 * variables (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SFN), so the same code talks to AWS, LocalStack or
 * the local runtime.
 */
let ddb: DynamoDBDocumentClient | undefined;
let sfn: SFNClient | undefined;

export function documentClient(): DynamoDBDocumentClient {
  ddb ??= DynamoDBDocumentClient.from(recordCommands(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return ddb;
}

export function sfnClient(): SFNClient {
  sfn ??= recordCommands(new SFNClient({}));
  return sfn;
}

/** Forgets the clients, so the next use reads the endpoints anew (a process hosting successive local runtimes). */
export function resetClients(): void {
  ddb?.destroy();
  sfn?.destroy();
  ddb = undefined;
  sfn = undefined;
}

/** Required configuration from the environment, failing loudly when a deployment forgot one. */
export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`missing environment variable ${name}`);
  return value;
}
