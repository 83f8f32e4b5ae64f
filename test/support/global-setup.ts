/**
 * One in-memory DynamoDB Local and one synthesis of the CDK app for the whole test run. Test files reach the
 * database through `inject('ddbEndpoint')` or, like the handlers, through the standard SDK environment variables,
 * which the forked workers inherit; every local runtime a test starts uses both (test/support/runtime.ts)
 * instead of starting its own JVM and synthesizing again.
 * Every AWS SDK command a handler module sends is recorded under a fresh directory (COMMAND_LOG_ENV), which
 * the IAM test reads after the rest of the suite.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { COMMAND_LOG_ENV } from '../../functions/commons/command-log.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from '../../local/dynamodb.ts';
import { synthTemplates } from '../../local/template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    ddbEndpoint: string;
    /** a JSON file holding the synthesized app, stack name → template */
    templatesFile: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The SDK's notice about future Node versions would otherwise be printed once by every worker.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // Handlers called without the local runtime print no EMF metrics either.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const commandLog = mkdtempSync(join(tmpdir(), 'sdk-commands-'));
  process.env[COMMAND_LOG_ENV] = commandLog;
  // a loaded machine can take a minute to bring the JVM up; the synthesis runs meanwhile
  const [ddb, templates] = await Promise.all([
    startDynamoDbLocal({ startTimeoutMs: 120_000 }),
    synthTemplates(),
  ]);
  project.provide('ddbEndpoint', ddb.endpoint);
  const templatesDir = mkdtempSync(join(tmpdir(), 'cdk-templates-'));
  const templatesFile = join(templatesDir, 'templates.json');
  writeFileSync(templatesFile, JSON.stringify(templates));
  project.provide('templatesFile', templatesFile);
  // Set unconditionally: a test must never reach a real account, whatever the developer's shell exports.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    // handlers built in a test process seal paging cursors as the deployed ones do (store/cursor.ts)
    CURSOR_KEY: randomBytes(32).toString('base64'),
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  return async () => {
    await ddb.stop();
    rmSync(commandLog, { recursive: true, force: true });
    rmSync(templatesDir, { recursive: true, force: true });
  };
}
