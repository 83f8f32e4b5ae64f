import { Annotations, CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import {
  GROUP_ENTRIES,
  ROUTES,
  type RouteDef,
  type RouteGroup,
  routeKey,
} from '../../functions/api/routes.ts';
import { ACCESS_LOG_PREFIX, SAMPLES_PREFIX } from '../../functions/store/keys.ts';
import type { Procedure } from '../../schemas/domain.ts';
import { LIVE_ALIAS } from '../../workflows/procedure-workflow.ts';
import { Identity } from '../constructs/identity.ts';
import { ProjectFunction, type TableAction } from '../constructs/project-function.ts';
import { SAMPLES_WRITES, TimingSamplesJob } from '../constructs/timing-samples-job.ts';
import type { Settings } from '../settings.ts';
import { allowOnExecutions, allowStart, allowTaskSuccess, type MachineRef } from './workflow-stack.ts';

export interface ApiStackProps extends StackProps {
  /** The record table. */
  table: ITable;
  /**
   * Each procedure's state machine: decisions and supplements complete its callback tasks, `POST /api/cases`
   * starts executions through its `live` alias.
   */
  machines: Readonly<Record<Procedure, MachineRef>>;
  /** Identity provider (Cognito or OIDC). */
  settings: Settings;
}

/**
 * What each route group's handler module calls; a new group fails to compile until it is listed here, and
 * test/infra/iam.test.ts checks every list against the SDK commands the test run saw the module send.
 */
interface GroupNeeds {
  table?: readonly TableAction[];
  /** Files applications and proposals: starts the procedure's workflow. */
  startsExecutions?: boolean;
  /** A withdrawal during publicity (no task token to complete) stops the case's execution. */
  stopsExecutions?: boolean;
  /** Decisions and supplements complete the workflow's callback tasks. */
  completesTasks?: boolean;
  /** Records reads in the access log: a read-only group may put log items, and nothing else. */
  writesAccessLog?: boolean;
  /** Stores the timing samples of settled months (items under SAMPLES#, put whole, batched). */
  storesTimingSamples?: boolean;
}
/**
 * Moving a case: reads (case lists: an index page, then its cases by key), and transactions that put records,
 * update the case and task and release guards.
 */
const CASE_WRITES: readonly TableAction[] = [
  'GetItem',
  'BatchGetItem',
  'Query',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
];
export const GROUP_NEEDS: Readonly<Record<RouteGroup, GroupNeeds>> = {
  cases: { table: CASE_WRITES, startsExecutions: true, stopsExecutions: true, completesTasks: true },
  // a task's action reads the task and its case in one BatchGetItem
  tasks: { table: CASE_WRITES, completesTasks: true },
  meta: {},
  // The stuck cases and overdue measures: an index page, then the cases or measures by key.
  reports: { table: ['GetItem', 'BatchGetItem', 'Query'], writesAccessLog: true, storesTimingSamples: true },
  // The audit check lists a county's cases (an index page, then the cases by key) and reads each trail.
  audit: { table: ['BatchGetItem', 'Query'], writesAccessLog: true },
  // Policy versions and calendar overrides are only ever put whole, each on a version condition.
  admin: { table: ['GetItem', 'Query', 'PutItem'] },
};

/** API Gateway HTTP API variables only; no body, headers or query strings (they may carry personal data). */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    time: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    routeKey: '$context.routeKey',
    status: '$context.status',
    latencyMs: '$context.responseLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    sub: '$context.authorizer.claims.sub',
  }),
);

/** The whole API: 50 requests a second, bursts of 100 (API Gateway's limits apply to all callers together). */
const STAGE_THROTTLE = { rateLimit: 50, burstLimit: 100 };

/**
 * Tighter limits for the routes a single caller could use to crowd out everyone else: the public ones (no
 * token needed) and the reports and audit scans, each of which may read a county's records. Per-IP limits are
 * the WAF's rate rule; signing in is the identity provider's (Cognito's quotas, or the OIDC issuer's).
 */
export function routeThrottle(route: RouteDef): { rateLimit: number; burstLimit: number } | undefined {
  if (!route.auth) return { rateLimit: 10, burstLimit: 20 };
  if (route.group === 'reports' || route.group === 'audit') return { rateLimit: 5, burstLimit: 10 };
  return undefined;
}

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * Contract v1 over an HTTP API: one Lambda per route group (GROUP_ENTRIES), one route per ROUTES entry,
 * Cognito users behind a JWT authorizer. The console is served from the same origin, so CORS stays off.
 */
export class ApiStack extends Stack {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  /** The Cognito user pool, when identity is cognito. */
  readonly userPool?: cognito.UserPool;
  readonly handlers: Readonly<Record<RouteGroup, ProjectFunction>>;
  /** The hourly job storing the timing samples the reports read; none when the deployment names no county. */
  readonly timingSamplesJob?: TimingSamplesJob;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);

    const identity = new Identity(this, 'Identity', { settings: props.settings });
    this.userPool = identity.userPool;
    const authorizer = identity.authorizer;

    this.api = new apigw.HttpApi(this, 'Http', {
      apiName: 'assistance-approvals',
      description: 'Assistance approvals, contract v1',
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
      throttle: STAGE_THROTTLE,
    });

    // The key that seals paging cursors (functions/store/cursor.ts): one per deployment, the same in every API
    // Lambda, so a cursor one instance hands out opens in another. 64 alphanumerics read as base64 are 48 bytes.
    const cursorKey = new secretsmanager.Secret(this, 'CursorKey', {
      description: 'HMAC key sealing the API paging cursors',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(cursorKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'A cursor lives for one paging session; rotating the key only makes open cursors answer 400 (clients start over), so it is rotated by redeploying, not on a schedule.',
    });

    const handlers = {} as Record<RouteGroup, ProjectFunction>;
    const integrations = {} as Record<RouteGroup, HttpLambdaIntegration>;
    for (const [group, entry] of Object.entries(GROUP_ENTRIES) as [RouteGroup, string][]) {
      const handler = new ProjectFunction(this, `${pascal(group)}Api`, {
        entry,
        kind: 'api',
        description: `HTTP API route group: ${group}`,
      });
      const needs = GROUP_NEEDS[group];
      // resolved by CloudFormation at deploy time: the function reads no secret at run time, so no grant
      handler.fn.addEnvironment('CURSOR_KEY', cursorKey.secretValue.unsafeUnwrap());
      if (needs.table) handler.bindTable(props.table, needs.table);
      // through the aliases: every new case runs the newest published version
      if (needs.startsExecutions) allowStart(handler, props.machines);
      if (needs.stopsExecutions) allowOnExecutions(handler.role, ['states:StopExecution']);
      if (needs.completesTasks) allowTaskSuccess(handler, props.machines);
      // The access log only ever gains items: PutItem, never BatchWriteItem (whose deletes IAM cannot tell apart).
      if (needs.writesAccessLog) handler.allowWritesUnder(props.table, ACCESS_LOG_PREFIX, ['PutItem']);
      if (needs.storesTimingSamples) {
        handler.allowWritesUnder(props.table, SAMPLES_PREFIX, SAMPLES_WRITES);
      }
      if (needs.writesAccessLog || needs.storesTimingSamples) handler.allowEncryptedWrites(props.table);
      handlers[group] = handler;
      // Through the `live` alias of the version this deploy published.
      const live = handler.fn.addAlias(LIVE_ALIAS);
      integrations[group] = new HttpLambdaIntegration(`${pascal(group)}Integration`, live);
    }
    this.handlers = handlers;

    for (const route of ROUTES) {
      const [created] = this.api.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration: integrations[route.group],
        authorizer: route.auth ? authorizer : new apigw.HttpNoneAuthorizer(),
      });
      if (!route.auth && created) {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by contract (health check, API description).`,
        });
      }
      // Route settings name existing routes only: the stage waits for them.
      if (created && routeThrottle(route)) this.stage.node.addDependency(created);
    }
    (this.stage.node.defaultChild as apigw.CfnStage).routeSettings = Object.fromEntries(
      ROUTES.flatMap((r) => {
        const t = routeThrottle(r);
        return t
          ? [[routeKey(r), { ThrottlingRateLimit: t.rateLimit, ThrottlingBurstLimit: t.burstLimit }]]
          : [];
      }),
    );

    if (props.settings.counties.length) {
      this.timingSamplesJob = new TimingSamplesJob(this, 'TimingSamplesJob', {
        table: props.table,
        counties: props.settings.counties,
      });
    } else {
      Annotations.of(this).addWarning(
        'context counties is empty: the timing-samples job is not scheduled, so the first report over a settled ' +
          'month reads its records (and stores their samples)',
      );
    }

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url });
  }
}
