import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { documentClient } from '../../functions/commons/clients.ts';
import { INDEXES } from '../../functions/store/keys.ts';
import {
  type DynamoDbLocal,
  freePort,
  localDynamoDbClient,
  startDynamoDbLocal,
} from '../../local/dynamodb.ts';
import {
  type CfnTemplate,
  ensureTables,
  tableInputFromSpec,
  tableInputsFromTemplate,
} from '../../local/tables.ts';
import { freshTable } from '../support/ddb.ts';

const template: CfnTemplate = {
  Resources: {
    Cases: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        TableName: 'cases',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'gsi1pk', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'KEYS_ONLY' },
            ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
          },
        ],
        BillingMode: 'PROVISIONED',
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] },
        },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
    },
    Generated: {
      Type: 'AWS::DynamoDB::GlobalTable',
      Properties: {
        TableName: { 'Fn::Join': ['-', ['x', { Ref: 'AWS::StackName' }]] },
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        Replicas: [{ Region: 'cn-northwest-1' }],
      },
    },
    Key: { Type: 'AWS::KMS::Key', Properties: {} },
  },
};

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    // An exited child not yet reaped still answers kill(pid, 0); Linux shows it in state Z.
    return !/^ Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8').split(')').at(-1) ?? '');
  } catch (error) {
    return (error as NodeJS.ErrnoException).syscall === 'open' && !existsSync('/proc');
  }
};

const eventually = async (condition: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
  return condition();
};

const portIsFree = async (port: number) => {
  const server = createServer();
  const free = await new Promise<boolean>((done) => {
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => done(true));
  });
  if (free) await new Promise((done) => server.close(done));
  return free;
};

const canConnect = (host: string, port: number) =>
  new Promise<boolean>((done) => {
    const socket = connect({ host, port, timeout: 2_000 });
    const settle = (connected: boolean) => {
      socket.destroy();
      done(connected);
    };
    socket.once('connect', () => settle(true));
    socket.once('error', () => settle(false));
    socket.once('timeout', () => settle(false));
  });

describe('tableInputsFromTemplate', () => {
  it('keeps the schema of every table and drops what DynamoDB Local ignores', () => {
    // Act
    const inputs = tableInputsFromTemplate(template);

    // Assert
    expect(inputs).toEqual([
      {
        TableName: 'cases',
        KeySchema: template.Resources.Cases!.Properties.KeySchema,
        AttributeDefinitions: template.Resources.Cases!.Properties.AttributeDefinitions,
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
      },
      {
        TableName: 'Generated',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      },
    ]);
  });
});

describe('startDynamoDbLocal in memory', () => {
  let ddb: DynamoDbLocal;
  let startupMs: number;

  beforeAll(async () => {
    const started = performance.now();
    ddb = await startDynamoDbLocal();
    startupMs = performance.now() - started;
  });
  afterAll(() => ddb?.stop());

  it('answers on a loopback endpoint', async () => {
    // Arrange
    const client = localDynamoDbClient(ddb.endpoint);

    // Act
    const result = await client.send(new ListTablesCommand({}));

    // Assert
    expect(ddb.endpoint).toBe(`http://127.0.0.1:${ddb.port}`);
    expect(result.TableNames).toEqual([]);
    console.info(`DynamoDB Local answered after ${Math.round(startupMs)} ms`);
    client.destroy();
  });

  it('listens on loopback only', async () => {
    // Arrange: any address of this machine that is not loopback
    const other = Object.values(networkInterfaces())
      .flat()
      .find((nic) => nic && !nic.internal && nic.family === 'IPv4');

    // Act + Assert
    expect(await canConnect('127.0.0.1', ddb.port)).toBe(true);
    if (other) expect(await canConnect(other.address, ddb.port)).toBe(false);
  });

  it('creates tables from a template, idempotently, with their indexes active', async () => {
    // Arrange
    const client = localDynamoDbClient(ddb.endpoint);
    const inputs = tableInputsFromTemplate(template);

    // Act
    await ensureTables(client, inputs);
    await ensureTables(client, inputs);

    // Assert
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'cases' }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.GlobalSecondaryIndexes?.map((gsi) => [gsi.IndexName, gsi.IndexStatus])).toEqual([
      ['gsi1', 'ACTIVE'],
    ]);
    expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual(['Generated', 'cases']);
    client.destroy();
  });

  it('fails clearly when the port is taken', async () => {
    // Arrange
    const blocker = createServer((socket) => socket.destroy()).listen(0, '127.0.0.1');
    await new Promise((done) => blocker.once('listening', done));
    const { port } = blocker.address() as { port: number };

    // Act + Assert
    await expect(startDynamoDbLocal({ port })).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
    await new Promise((done) => blocker.close(done));
  });
});

describe('startDynamoDbLocal', () => {
  it('stops for good: the JVM is gone and the port free, and stop() may be called again', async () => {
    // Arrange
    const ddb = await startDynamoDbLocal({ port: await freePort() });
    expect(isRunning(ddb.pid)).toBe(true);

    // Act
    await ddb.stop();
    await ddb.stop();

    // Assert
    expect(() => process.kill(ddb.pid, 0)).toThrow();
    expect(await portIsFree(ddb.port)).toBe(true);
  });

  it('keeps data in dataDir across a restart, and adds an index the template gained', async () => {
    // Arrange
    const dataDir = await mkdtemp(join(tmpdir(), 'ddb-local-test-'));
    const item = { pk: 'CASE#1', sk: '#CASE', gsi1pk: 'APPLICANT#a' };
    const first = await startDynamoDbLocal({ dataDir });
    try {
      const client = localDynamoDbClient(first.endpoint);
      const noIndex = structuredClone(template);
      const props = noIndex.Resources.Cases!.Properties;
      delete props.GlobalSecondaryIndexes;
      props.AttributeDefinitions = props.AttributeDefinitions.slice(0, 2);
      await ensureTables(client, tableInputsFromTemplate(noIndex));
      await DynamoDBDocumentClient.from(client).send(new PutCommand({ TableName: 'cases', Item: item }));
      client.destroy();
    } finally {
      await first.stop();
    }

    // Act
    const second = await startDynamoDbLocal({ dataDir });
    try {
      const client = localDynamoDbClient(second.endpoint);
      await ensureTables(client, tableInputsFromTemplate(template));
      const got = await DynamoDBDocumentClient.from(client).send(
        new GetCommand({ TableName: 'cases', Key: { pk: 'CASE#1', sk: '#CASE' } }),
      );
      const { Table } = await client.send(new DescribeTableCommand({ TableName: 'cases' }));
      client.destroy();

      // Assert
      expect(got.Item).toEqual(item);
      expect(Table?.GlobalSecondaryIndexes?.map((gsi) => gsi.IndexName)).toEqual(['gsi1']);
    } finally {
      await second.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('dies with the process that started it, even one killed outright', async () => {
    // Arrange: a Node process that starts DynamoDB Local and prints the JVM's pid
    const module = fileURLToPath(new URL('../../local/dynamodb.ts', import.meta.url));
    const script = `import { startDynamoDbLocal } from ${JSON.stringify(module)};
      console.log((await startDynamoDbLocal()).pid); setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    parent.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    parent.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const started = await eventually(() => stdout.includes('\n') || parent.exitCode !== null, 30_000);
    const javaPid = Number(stdout.trim());
    expect(started && javaPid > 0, stderr).toBe(true);

    // Act
    parent.kill('SIGKILL');
    await once(parent, 'exit');

    // Assert
    expect(await eventually(() => !isRunning(javaPid), 10_000)).toBe(true);
  });

  it('refuses to start with a bare JRE instead of listening on every interface', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ddb-jre-'));
    const realJava = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
    const jre = join(dir, 'java');
    // a JRE: java runs, but the jdk.compiler module is not there
    await writeFile(
      jre,
      `#!/bin/sh\nif [ "$1" = "-m" ]; then echo "java.lang.module.FindException: Module jdk.compiler not found" >&2; exit 1; fi\nexec ${realJava} "$@"\n`,
      { mode: 0o755 },
    );
    try {
      await expect(startDynamoDbLocal({ java: jre, launcherCache: join(dir, 'cache') })).rejects.toThrow(
        /loopback only.*JDK/s,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps its data directory private (0700)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ddb-private-'));
    const dataDir = join(root, 'db');
    const ddb = await startDynamoDbLocal({ dataDir });
    try {
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    } finally {
      await ddb.stop();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('says so when Java is missing', async () => {
    await expect(startDynamoDbLocal({ java: '/nonexistent/bin/java' })).rejects.toThrow(/Java not found/);
  });
});

describe('the shared DynamoDB Local of the test run', () => {
  it('reaches forked workers through inject and the SDK environment', async () => {
    // Arrange
    const endpoint = inject('ddbEndpoint');

    // Act: the handlers' own client, configured only by the environment
    const result = await documentClient().send(new ListTablesCommand({}));

    // Assert
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(endpoint);
    expect(process.env.AWS_REGION).toBe('cn-northwest-1');
    expect(result.TableNames).toBeInstanceOf(Array);
  });

  it('gives each caller a fresh table shaped like TABLE_SPEC', async () => {
    // Act
    const a = await freshTable('store');
    const b = await freshTable('store');
    await a.doc.send(new PutCommand({ TableName: a.tableName, Item: { pk: 'x', sk: 'y' } }));

    // Assert
    expect(a.tableName).not.toBe(b.tableName);
    expect(process.env.TABLE_NAME).toBe(b.tableName);
    const { Table } = await a.client.send(new DescribeTableCommand({ TableName: a.tableName }));
    expect(Table?.KeySchema).toEqual(tableInputFromSpec(a.tableName).KeySchema);
    expect(Table?.GlobalSecondaryIndexes?.map((gsi) => gsi.IndexName).sort()).toEqual(
      Object.values(INDEXES).map((index) => index.name),
    );
    expect(
      (await b.doc.send(new GetCommand({ TableName: b.tableName, Key: { pk: 'x', sk: 'y' } }))).Item,
    ).toBe(undefined);
  });
});
