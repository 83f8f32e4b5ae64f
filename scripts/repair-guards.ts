/**
 * `npm run repair:guards [-- --dry-run]`: the one-off repair of the person guards (services/repair-guards).
 *
 * On AWS (or any endpoint): set TABLE_NAME and the SDK's usual region, credentials and, if needed,
 * AWS_ENDPOINT_URL_DYNAMODB. Locally: stop `npm start` first; with no TABLE_NAME the script opens the local
 * runtime's DynamoDB Local under DATA_DIR (default `.data`) itself, on the table the synthesized app defines,
 * and stops it again. Prints the report as JSON.
 */
import { join } from 'node:path';
import { documentClient } from '../functions/commons/clients.ts';
import { repairGuards } from '../functions/services/repair-guards.ts';
import { Store } from '../functions/store/store.ts';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localDynamoDbClient,
  startDynamoDbLocal,
} from '../local/dynamodb.ts';
import { LOCAL_ACCOUNT } from '../local/lambda-context.ts';
import { ensureTables, tableInputsFromTemplate } from '../local/tables.ts';
import { resolveTemplates, synthTemplates } from '../local/template.ts';
import { scanGuards } from './guard-scan.ts';

async function main(): Promise<void> {
  const dryRun = process.argv.includes('--dry-run');
  if (process.env.TABLE_NAME) {
    const store = Store.fromEnv();
    console.log(JSON.stringify(await repairGuards(store, scanGuards(store.table), { dryRun }), null, 2));
    return;
  }
  const app = resolveTemplates(await synthTemplates(), { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT });
  const tableName = app.functions.find((f) => f.environment.TABLE_NAME)?.environment.TABLE_NAME;
  if (!tableName) throw new Error('the synthesized app defines no TABLE_NAME');
  const ddb = await startDynamoDbLocal({
    dataDir: join(process.env.DATA_DIR ?? '.data', 'dynamodb'),
    // a loaded machine may take longer than the default 30 s
    startTimeoutMs: 120_000,
  });
  try {
    // a DATA_DIR the runtime never used has no table yet: create it as the runtime would, and find nothing
    const client = localDynamoDbClient(ddb.endpoint);
    await ensureTables(
      client,
      Object.values(app.templates).flatMap((t) => tableInputsFromTemplate(t)),
    );
    client.destroy();
    Object.assign(process.env, {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
    });
    const store = new Store(documentClient(), tableName);
    console.log(JSON.stringify(await repairGuards(store, scanGuards(store.table), { dryRun }), null, 2));
  } finally {
    await ddb.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
