import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../functions/commons/observability.ts';
import { TABLE_SPEC } from '../../functions/store/keys.ts';
import { REPO_ROOT, repoPath } from '../paths.ts';
import { settingsOf } from '../settings.ts';

/** CfnFunction metadata key naming the handler module; the local runtime maps functions to modules with it. */
export const ENTRY_METADATA = 'app:entry';

/** API handlers answer inside API Gateway's 30 s integration limit; steps may do a little more work. */
const TIMEOUTS = {
  api: Duration.seconds(29),
  step: Duration.seconds(60),
  // an operator's job over every in-flight case (it can be run again where it stopped)
  operation: Duration.minutes(15),
} as const;

/** ESM bundles still meet CommonJS dependencies that call `require`: give them one. */
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * The DynamoDB actions a function may be granted on the table: exactly those its handler module calls (the IAM
 * test records every SDK command in the test run and compares). A transaction has no IAM action of its own: each
 * item in it is authorised as its Put/Update/Delete/ConditionCheck.
 */
export type TableAction =
  | 'GetItem'
  /** a page of cases listed from an index, read by key */
  | 'BatchGetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'ConditionCheckItem'
  | 'BatchWriteItem'
  /** the migration only (every in-flight case, every county): never a request path */
  | 'Scan';
const TABLE_WRITES: ReadonlySet<TableAction> = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
]);

/**
 * What the caller needs of the table's customer-managed key for `actions`; DynamoDB makes these calls on its
 * behalf: any access decrypts, a write also encrypts.
 */
export function keyActionsFor(actions: readonly TableAction[]): string[] {
  const read = ['kms:Decrypt', 'kms:DescribeKey'];
  return actions.some((a) => TABLE_WRITES.has(a)) ? [...read, 'kms:Encrypt', 'kms:GenerateDataKey'] : read;
}

/** `kms:ViaService` for the table's key: DynamoDB in this stack's region, with the partition's domain. */
export const viaDynamoDb = () => ({ 'kms:ViaService': `dynamodb.${Aws.REGION}.${Aws.URL_SUFFIX}` });

export interface ProjectFunctionProps {
  /** Handler module relative to the repository root (exports `handler`); recorded as `app:entry`. */
  entry: string;
  /** `api` for HTTP route groups (29 s), `step` for state-machine tasks (60 s), `operation` for jobs (15 min). */
  kind: keyof typeof TIMEOUTS;
  /** Shown in the console next to the function name. */
  description?: string;
  /** Extra environment variables, on top of the ones every function gets. */
  environment?: Record<string, string>;
}

/**
 * The one way this project makes a Lambda function: Node.js 22 on ARM64, X-Ray tracing, 512 MB, an explicit
 * one-year log group and a role that starts with only the right to write that log group. Data access is
 * added with {@link ProjectFunction.bindTable}, which sets the environment variable and the grant together.
 */
export class ProjectFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** Repository-relative handler module. */
  readonly entry: string;

  constructor(scope: Construct, id: string, props: ProjectFunctionProps) {
    super(scope, id);
    this.entry = props.entry;
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Our own role instead of AWSLambdaBasicExecutionRole, which may create any log group anywhere.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.entry}`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: repoPath(props.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: repoPath('package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      tracing: settingsOf(this).tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      timeout: TIMEOUTS[props.kind],
      // Executions of an older state-machine version keep invoking the step versions they were published with.
      currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN },
      memorySize: 512,
      role: this.role,
      logGroup: this.logGroup,
      description: props.description,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'assistance-approvals',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        platform: 'node',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        sourceMap: true,
        sourcesContent: false,
        minify: true,
        // The Node.js 22 runtime ships AWS SDK v3; bundling it would only grow cold starts.
        externalModules: ['@aws-sdk/*'],
      },
    });
    (this.fn.node.defaultChild as lambda.CfnFunction).addMetadata(ENTRY_METADATA, props.entry);

    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is pinned on purpose: bundles are built for it (esbuild target node22); the tests run the ' +
        'same handler modules on the development machines, which have Node.js 20.19+.',
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.',
    });
  }

  /**
   * Lets the function call `actions` on `table` (and use its KMS key for them), and tells it the table's name in
   * TABLE_NAME. The grant names each GSI of TABLE_SPEC rather than `index/*`, so a new index is a deliberate grant.
   */
  bindTable(table: ITable, actions: readonly TableAction[]): this {
    this.fn.addEnvironment('TABLE_NAME', table.tableName);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: actions.map((a) => `dynamodb:${a}`),
        resources: [table.tableArn, ...TABLE_SPEC.indexes.map((i) => `${table.tableArn}/index/${i.name}`)],
      }),
    );
    if (table.encryptionKey) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: keyActionsFor(actions),
          resources: [table.encryptionKey.keyArn],
          // The key is for DynamoDB's use on our behalf, not for the function to encrypt anything itself.
          conditions: { StringEquals: viaDynamoDb() },
        }),
      );
    }
    return this;
  }

  /**
   * Lets a function bound read-only write the items under one partition-key prefix and nothing else (IAM
   * `dynamodb:LeadingKeys`), never an index; {@link allowEncryptedWrites} then adds the key's use for writes.
   */
  allowWritesUnder(table: ITable, prefix: string, actions: readonly TableAction[]): this {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: actions.map((a) => `dynamodb:${a}`),
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${prefix}*`] } },
      }),
    );
    return this;
  }

  /** The encryption calls DynamoDB makes with the table's key for the writes {@link allowWritesUnder} allows. */
  allowEncryptedWrites(table: ITable): this {
    if (!table.encryptionKey) return this;
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [table.encryptionKey.keyArn],
        conditions: { StringEquals: viaDynamoDb() },
      }),
    );
    return this;
  }

  /**
   * Lets the function complete the callback tasks of the state machine `stateMachineArn` (SendTaskSuccess; no
   * code sends a task failure): a token is only accepted for its own state machine.
   */
  allowTaskSuccess(stateMachineArn: string): this {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [stateMachineArn] }),
    );
    return this;
  }
}
