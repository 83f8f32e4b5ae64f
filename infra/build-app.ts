import { readFileSync } from 'node:fs';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { repoPath } from './paths.ts';
import { PARTITIONS, type Settings, settingsOf } from './settings.ts';
import { ApiStack } from './stacks/api-stack.ts';
import { ConsoleStack } from './stacks/console-stack.ts';
import { DataStack } from './stacks/data-stack.ts';
import { CLOUDFRONT_WAF_REGION, EdgeStack } from './stacks/edge-stack.ts';
import { ObservabilityStack } from './stacks/observability-stack.ts';
import { WorkflowStack } from './stacks/workflow-stack.ts';

export interface BuildAppOptions {
  /** Bundle Lambda code with esbuild (deployments). Off by default: tests and the local runtime run the
   *  .ts handler modules themselves, and synth takes seconds instead of minutes. */
  bundling?: boolean;
  /** Extra context, on top of cdk.json's. */
  context?: Record<string, unknown>;
  /** Cloud assembly directory; default: CDK's (cdk.out under the CLI, a temp directory otherwise). */
  outdir?: string;
  /** CDK's built-in check of every template against the CloudFormation resource schemas (default on). It
   *  costs seconds per synth, so the local runtime, which only reads the templates, turns it off. */
  schemaValidation?: boolean;
}

/** Construct ids of the stacks; stack names are `AssistanceApprovals-<id>`. */
export const STACK_IDS = {
  data: 'Data',
  workflows: 'Workflows',
  api: 'Api',
  observability: 'Observability',
  console: 'Console',
  edge: 'Edge',
} as const;
export const stackName = (id: string) => `AssistanceApprovals-${id}`;

/** cdk.json's context (feature flags), so in-process synthesis matches `cdk synth`. */
function cdkJsonContext(): Record<string, unknown> {
  const json = JSON.parse(readFileSync(repoPath('cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return json.context ?? {};
}

/**
 * The whole app: data (table + key) → workflows (step Lambdas + state machine) → API (Cognito + HTTP API)
 * → console (S3 + CloudFront) → observability (alarms), checked by cdk-nag's AwsSolutions pack at synthesis.
 */
export function buildApp(opts: BuildAppOptions = {}): App {
  const app = new App({
    outdir: opts.outdir,
    builtinCloudFormationValidation: opts.schemaValidation ?? true,
    context: {
      // Stacks import each other's exports (table, state machine, functions): keep CloudFormation's
      // producer protection, so a referenced resource can never be deleted from under its consumer.
      '@aws-cdk/core:defaultCrossStackReferences': 'strong',
      ...cdkJsonContext(),
      ...opts.context,
    },
    // After the CLI's context, so even `cdk synth` honours bundling: false.
    postCliContext: opts.bundling ? undefined : { 'aws:cdk:bundling-stacks': [] },
  });
  // CloudFormation takes no tags on a dashboard (cfn-lint E3002), whatever CDK's schema says
  Tags.of(app).add('app', 'assistance-approvals', { excludeResourceTypes: ['AWS::CloudWatch::Dashboard'] });
  const settings = settingsOf(app);
  // A deployment's stacks name their environment (cross-region references need it); a synth without a region
  // (tests, the local runtime) keeps them environment-agnostic.
  const env = settings.region ? { region: settings.region, account: settings.account } : undefined;

  const data = new DataStack(app, STACK_IDS.data, {
    env,
    stackName: stackName(STACK_IDS.data),
    description: 'Assistance approvals: records table and its KMS key',
  });
  const workflows = new WorkflowStack(app, STACK_IDS.workflows, {
    env,
    stackName: stackName(STACK_IDS.workflows),
    description: "Assistance approvals: step functions and the procedures' state machines",
    table: data.table,
  });
  const api = new ApiStack(app, STACK_IDS.api, {
    env,
    stackName: stackName(STACK_IDS.api),
    description: `Assistance approvals: HTTP API, route handlers and ${settings.identity === 'cognito' ? 'Cognito users' : 'the OIDC authorizer'}`,
    table: data.table,
    machines: workflows.machines,
    settings,
  });
  const edge = edgeStack(app, settings);
  new ConsoleStack(app, STACK_IDS.console, {
    env,
    crossRegionReferences: edge !== undefined,
    stackName: stackName(STACK_IDS.console),
    description: 'Assistance approvals: web console (S3 + CloudFront, the API on the same origin)',
    api: api.api,
    // Uploaded only by deployments: tests and the local runtime read the templates and serve web/dist themselves.
    siteDir: opts.bundling ? repoPath('web/dist') : undefined,
    webAclArn: edge?.firewall.webAclArn,
    noWebAclReason: edge ? undefined : noWebAclReason(settings),
    chinaCloudFront: PARTITIONS[settings.partition].chinaCloudFront,
  });
  const fns = [
    ...Object.entries(workflows.steps),
    ['migrate', workflows.migrate] as const,
    ...Object.entries(api.handlers),
    // the hourly timing-samples job, where the deployment names counties to run it for
    ...(api.timingSamplesJob ? [['timingSamplesJob', api.timingSamplesJob.handler] as const] : []),
  ];
  new ObservabilityStack(app, STACK_IDS.observability, {
    env,
    stackName: stackName(STACK_IDS.observability),
    description: 'Assistance approvals: alarms, their topic and the operations dashboard',
    functions: Object.fromEntries(fns.map(([name, pf]) => [name, pf.fn])),
    stateMachines: {
      Identification: workflows.stateMachines.identification,
      RiskElimination: workflows.stateMachines.risk_elimination,
    },
    api: api.api,
    table: data.table,
  });

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

/**
 * The console's web ACL stack, in us-east-1 (CloudFront takes CLOUDFRONT-scoped web ACLs from there only); none
 * in a partition whose CloudFront takes no web ACL, nor when the synth has no region to reference across.
 */
function edgeStack(app: App, settings: Settings): EdgeStack | undefined {
  if (!PARTITIONS[settings.partition].cloudFrontWaf || !settings.region) return undefined;
  return new EdgeStack(app, STACK_IDS.edge, {
    env: { region: CLOUDFRONT_WAF_REGION, account: settings.account },
    crossRegionReferences: true,
    stackName: stackName(STACK_IDS.edge),
    description: 'Assistance approvals: the console and API web ACL (WAF, CloudFront scope, us-east-1)',
  });
}

/** Why a synth has no web ACL in front of the console (cdk-nag CFR2). */
function noWebAclReason(settings: Settings): string {
  if (!PARTITIONS[settings.partition].cloudFrontWaf) {
    return (
      `AWS WAF is regional only in ${settings.partition}: CloudFront there takes no web ACL. The API's stage and ` +
      'route throttles still apply; per-IP limits need the county network edge (docs/operations.md).'
    );
  }
  return (
    'Synthesized without a region (tests, the local runtime): the us-east-1 web ACL stack is added when the app ' +
    'is synthesized for a deployment, which knows its region.'
  );
}
