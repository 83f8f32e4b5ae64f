/**
 * Reading what the CDK app synthesizes: templates straight from an in-process synth, and the parts the local
 * runtime runs (tables, functions with their handler module and environment, state machines, API routes)
 * with every CloudFormation intrinsic they use resolved the way this machine names things.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CfnResource, CfnTemplate } from './tables.ts';

export type { CfnTemplate } from './tables.ts';

/** CfnFunction metadata naming the handler module (set by infra/constructs/project-function.ts). */
const ENTRY_METADATA = 'app:entry';
/** Logical ids CDK gives the Lambda handlers of its own providers (cross-region references, the console upload). */
const CDK_PROVIDER = /(CustomResourceProviderHandler[0-9A-F]{8}|CustomCDKBucketDeployment[0-9A-F]{32})$/;

export interface SynthOptions {
  /** Extra CDK context. */
  context?: Record<string, unknown>;
}

/**
 * Synthesizes the app in-process, without bundling or the CloudFormation schema check, into a temporary
 * directory that is removed again, and returns each stack's template by stack name. cdk-nag still runs.
 */
export async function synthTemplates(opts: SynthOptions = {}): Promise<Record<string, CfnTemplate>> {
  // Loaded on demand: resolving templates must not pay for aws-cdk-lib.
  const { buildApp } = await import('../infra/build-app.ts');
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-synth-'));
  try {
    const app = buildApp({ bundling: false, schemaValidation: false, context: opts.context, outdir });
    const assembly = app.synth();
    return Object.fromEntries(assembly.stacks.map((s) => [s.stackName, s.template as CfnTemplate]));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export interface ResolveOptions {
  region: string;
  accountId: string;
  /** AWS::Partition, and the partition of every ARN built here; default 'aws' (whatever the region). */
  partition?: 'aws' | 'aws-cn';
  /** Put before the local name of every table (its TableName property, else its logical id); default none. */
  tablePrefix?: string;
}

export interface ResolvedTable {
  stackName: string;
  logicalId: string;
  /** What `Ref` of the table resolves to. */
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties, as synthesized
  properties: Record<string, any>;
}

export interface ResolvedFunction {
  stackName: string;
  logicalId: string;
  /** FunctionName, else the logical id. */
  name: string;
  arn: string;
  /** Repository-relative handler module. */
  entry: string;
  environment: Record<string, string>;
}

/** An Amazon States Language document. */
export interface AslDefinition {
  StartAt: string;
  States: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export interface ResolvedStateMachine {
  stackName: string;
  logicalId: string;
  arn: string;
  name: string;
  definition: AslDefinition;
  /** names of its aliases (`live`) */
  aliases: string[];
}

export interface ResolvedRoute {
  method: string;
  /** API Gateway path syntax, `{caseId}` */
  path: string;
  routeKey: string;
  functionLogicalId: string;
  /** Whether a (JWT) authorizer guards the route. */
  authorized: boolean;
}

/** An EventBridge Scheduler schedule that invokes a function of the app. */
export interface ResolvedSchedule {
  logicalId: string;
  /** `rate(N minute|minutes|hour|hours|day|days)`, `cron(…)` or `at(…)` as synthesized */
  expression: string;
  functionLogicalId: string;
  /** the event the function receives */
  input: unknown;
}

export interface ResolvedApp {
  templates: Record<string, CfnTemplate>;
  tables: ResolvedTable[];
  functions: ResolvedFunction[];
  stateMachines: ResolvedStateMachine[];
  routes: ResolvedRoute[];
  schedules: ResolvedSchedule[];
}

/**
 * Resolves the runnable parts of synthesized templates. Logical ids are the local names of functions and
 * tables (CDK makes them unique per stack, and this checks they are unique across stacks). Throws, naming
 * the intrinsic, on anything it cannot resolve: a half-resolved ARN would fail much later and less clearly.
 */
export function resolveTemplates(templates: Record<string, CfnTemplate>, opts: ResolveOptions): ResolvedApp {
  const r = new Resolver(templates, opts);
  const tables: ResolvedTable[] = [];
  const functions: ResolvedFunction[] = [];
  const stateMachines: ResolvedStateMachine[] = [];
  const routes: ResolvedRoute[] = [];
  const schedules: ResolvedSchedule[] = [];

  for (const [stackName, logicalId, res] of r.resources()) {
    const where = `${stackName}/${logicalId}`;
    switch (res.Type) {
      case 'AWS::DynamoDB::Table':
        tables.push({
          stackName,
          logicalId,
          name: r.tableName(logicalId, res),
          properties: res.Properties ?? {},
        });
        break;
      case 'AWS::Lambda::Function': {
        const entry = res.Metadata?.[ENTRY_METADATA];
        // CDK's own custom-resource handlers (cross-region references) run on AWS only
        if (entry === undefined && CDK_PROVIDER.test(logicalId)) break;
        if (typeof entry !== 'string')
          throw new Error(`${where}: no '${ENTRY_METADATA}' metadata, cannot run it`);
        const variables = (res.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
        const environment = Object.fromEntries(
          Object.entries(variables).map(([k, v]) => [k, r.string(v, stackName, `${where} env ${k}`)]),
        );
        const name = r.functionName(logicalId, res);
        functions.push({ stackName, logicalId, name, arn: r.functionArn(name), entry, environment });
        break;
      }
      case 'AWS::StepFunctions::StateMachine': {
        const name = r.stateMachineName(logicalId, res);
        stateMachines.push({
          stackName,
          logicalId,
          name,
          arn: r.stateMachineArn(name),
          definition: r.definition(stackName, logicalId, res),
          aliases: [],
        });
        break;
      }
    }
  }
  for (const [stackName, logicalId, res] of r.resources()) {
    if (res.Type === 'AWS::ApiGatewayV2::Route') routes.push(r.route(stackName, logicalId, res, functions));
    if (res.Type === 'AWS::Scheduler::Schedule')
      schedules.push(r.schedule(stackName, logicalId, res, functions));
    if (res.Type === 'AWS::StepFunctions::StateMachineAlias') {
      const arn = r.qualifiedArn(res, stackName, `${stackName}/${logicalId}`);
      stateMachines
        .find((m) => m.arn === unqualified(arn))
        ?.aliases.push(arn.slice(arn.lastIndexOf(':') + 1));
    }
  }
  return { templates, tables, functions, stateMachines, routes, schedules };
}

/** Resolves every intrinsic in `value` as it would be inside `stackName`'s template (for checks and tools). */
export function resolveValue(
  templates: Record<string, CfnTemplate>,
  opts: ResolveOptions,
  stackName: string,
  value: unknown,
): unknown {
  return new Resolver(templates, opts).resolve(value, stackName, stackName);
}

type Located = [stackName: string, logicalId: string, resource: CfnResource];

const NAMED_BY_LOGICAL_ID = new Set([
  'AWS::DynamoDB::Table',
  'AWS::Lambda::Function',
  'AWS::StepFunctions::StateMachine',
]);

class Resolver {
  private readonly partition: string;
  private readonly urlSuffix: string;

  constructor(
    private readonly templates: Record<string, CfnTemplate>,
    private readonly opts: ResolveOptions,
  ) {
    this.partition = opts.partition ?? 'aws';
    this.urlSuffix = this.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
    // Functions and tables are named by logical id locally, so those must not repeat across stacks.
    const seen = new Map<string, string>();
    for (const [stackName, logicalId, res] of this.resources()) {
      if (!NAMED_BY_LOGICAL_ID.has(res.Type)) continue;
      const other = seen.get(logicalId);
      if (other) throw new Error(`logical id ${logicalId} is in both ${other} and ${stackName}`);
      seen.set(logicalId, stackName);
    }
  }

  resources(): Located[] {
    return Object.entries(this.templates).flatMap(([stackName, t]) =>
      Object.entries(t.Resources ?? {}).map(([id, res]) => [stackName, id, res] as Located),
    );
  }

  tableName = (logicalId: string, res: CfnResource): string =>
    (this.opts.tablePrefix ?? '') + (literal(res.Properties?.TableName) ?? logicalId);
  functionName = (logicalId: string, res: CfnResource): string =>
    literal(res.Properties?.FunctionName) ?? logicalId;
  stateMachineName = (logicalId: string, res: CfnResource): string =>
    literal(res.Properties?.StateMachineName) ?? logicalId;
  functionArn = (name: string) => this.arn('lambda', `function:${name}`);
  stateMachineArn = (name: string) => this.arn('states', `stateMachine:${name}`);
  private arn = (service: string, resource: string) =>
    `arn:${this.partition}:${service}:${this.opts.region}:${this.opts.accountId}:${resource}`;

  /** A value that must resolve to a string (numbers and booleans as CloudFormation renders them). */
  string(value: unknown, stackName: string, where: string): string {
    const v = this.resolve(value, stackName, where);
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new Error(`${where}: expected a string, got ${JSON.stringify(v)}`);
  }

  definition(stackName: string, logicalId: string, res: CfnResource): AslDefinition {
    const where = `${stackName}/${logicalId}`;
    const p = res.Properties ?? {};
    if (p.Definition !== undefined) return this.resolve(p.Definition, stackName, where) as AslDefinition;
    let text = this.string(p.DefinitionString, stackName, `${where} DefinitionString`);
    for (const [key, value] of Object.entries((p.DefinitionSubstitutions ?? {}) as Record<string, unknown>)) {
      text = text.replaceAll(`\${${key}}`, this.string(value, stackName, `${where} substitution ${key}`));
    }
    return JSON.parse(text) as AslDefinition;
  }

  route(
    stackName: string,
    logicalId: string,
    res: CfnResource,
    functions: ResolvedFunction[],
  ): ResolvedRoute {
    const where = `${stackName}/${logicalId}`;
    const routeKey = this.string(res.Properties?.RouteKey, stackName, `${where} RouteKey`);
    const space = routeKey.indexOf(' ');
    if (space < 0) throw new Error(`${where}: route key ${routeKey} is not "METHOD /path"`);
    const target = this.string(res.Properties?.Target, stackName, `${where} Target`);
    const integrationId = /^integrations\/(.+)$/.exec(target)?.[1];
    const integration = integrationId ? this.templates[stackName]?.Resources[integrationId] : undefined;
    if (integration?.Type !== 'AWS::ApiGatewayV2::Integration') {
      throw new Error(`${where}: target ${target} is not an integration of ${stackName}`);
    }
    const uri = this.string(integration.Properties?.IntegrationUri, stackName, `${where} IntegrationUri`);
    // Lambda proxy integrations name the function either by ARN or by the apigateway invocation path.
    const fnArn = /:lambda:path\/[^/]+\/functions\/(.+)\/invocations$/.exec(uri)?.[1] ?? uri;
    const fn = functions.find((f) => f.arn === unqualified(fnArn));
    if (!fn) throw new Error(`${where}: integration ${uri} is not a function of the app`);
    const authorization = res.Properties?.AuthorizationType;
    return {
      method: routeKey.slice(0, space),
      path: routeKey.slice(space + 1),
      routeKey,
      functionLogicalId: fn.logicalId,
      authorized: authorization !== undefined && authorization !== 'NONE',
    };
  }

  /** A schedule's expression, the function it invokes and that function's event (its role is AWS's business). */
  schedule(
    stackName: string,
    logicalId: string,
    res: CfnResource,
    functions: ResolvedFunction[],
  ): ResolvedSchedule {
    const where = `${stackName}/${logicalId}`;
    const p = res.Properties ?? {};
    const target = (p.Target ?? {}) as { Arn?: unknown; Input?: unknown };
    const arn = this.string(target.Arn, stackName, `${where} Target.Arn`);
    const fn = functions.find((f) => f.arn === unqualified(arn));
    if (!fn) throw new Error(`${where}: target ${arn} is not a function of the app`);
    const input =
      target.Input === undefined ? undefined : this.string(target.Input, stackName, `${where} Input`);
    return {
      logicalId,
      expression: this.string(p.ScheduleExpression, stackName, `${where} ScheduleExpression`),
      functionLogicalId: fn.logicalId,
      input: input === undefined ? {} : JSON.parse(input),
    };
  }

  /** Resolves every intrinsic inside `value`. */
  resolve(value: unknown, stackName: string, where: string): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v, stackName, where));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [first] = entries;
    if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return this.intrinsic(first[0], first[1], stackName, where);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v, stackName, where)]));
  }

  private intrinsic(fn: string, arg: unknown, stackName: string, where: string): unknown {
    const sub = (v: unknown) => this.resolve(v, stackName, where);
    const str = (v: unknown) => this.string(v, stackName, where);
    switch (fn) {
      case 'Ref':
        return this.ref(str(arg), stackName, where);
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg.map(str) : str(arg).split(/\.(.*)/s);
        return this.getAtt(id ?? '', attr ?? '', stackName, where);
      }
      case 'Fn::Join': {
        const [delimiter, parts] = arg as [unknown, unknown];
        const list = sub(parts);
        if (!Array.isArray(list)) throw new Error(`${where}: Fn::Join over ${JSON.stringify(list)}`);
        return list.map(str).join(str(delimiter));
      }
      case 'Fn::Sub': {
        const [template, vars] = Array.isArray(arg) ? arg : [arg, {}];
        const values = sub(vars) as Record<string, unknown>;
        return str(template).replace(/\$\{(!?)([^}]+)\}/g, (_, bang: string, name: string) => {
          if (bang) return `\${${name}}`;
          if (name in values) return str(values[name]);
          const dot = name.indexOf('.');
          return dot < 0
            ? str(this.ref(name, stackName, where))
            : str(this.getAtt(name.slice(0, dot), name.slice(dot + 1), stackName, where));
        });
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = sub(list);
        const i = Number(sub(index));
        if (!Array.isArray(items) || !(i in items)) throw new Error(`${where}: Fn::Select ${i} out of range`);
        return items[i];
      }
      case 'Fn::Split': {
        const [delimiter, source] = arg as [unknown, unknown];
        return str(source).split(str(delimiter));
      }
      case 'Fn::ImportValue':
        return this.importValue(str(arg), where);
      default:
        throw new Error(`${where}: cannot resolve intrinsic ${fn} ${JSON.stringify(arg)}`);
    }
  }

  private ref(name: string, stackName: string, where: string): unknown {
    switch (name) {
      case 'AWS::Region':
        return this.opts.region;
      case 'AWS::AccountId':
        return this.opts.accountId;
      case 'AWS::Partition':
        return this.partition;
      case 'AWS::URLSuffix':
        return this.urlSuffix;
      case 'AWS::StackName':
        return stackName;
    }
    const template = this.templates[stackName];
    const param = template?.Parameters?.[name] as { Default?: unknown } | undefined;
    if (param && 'Default' in param) return param.Default;
    const res = template?.Resources[name];
    switch (res?.Type) {
      case 'AWS::DynamoDB::Table':
        return this.tableName(name, res);
      case 'AWS::Lambda::Function':
        return this.functionName(name, res);
      case 'AWS::StepFunctions::StateMachine':
        return this.stateMachineArn(this.stateMachineName(name, res));
      case 'AWS::ApiGatewayV2::Integration':
        return name;
      // only CURSOR_KEY's dynamic reference names a secret; the local runtime sets that key itself
      case 'AWS::SecretsManager::Secret':
        return name;
      case 'AWS::Lambda::Version':
      case 'AWS::Lambda::Alias':
      case 'AWS::StepFunctions::StateMachineVersion':
      case 'AWS::StepFunctions::StateMachineAlias':
        return this.qualifiedArn(res, stackName, where);
    }
    throw new Error(`${where}: cannot resolve intrinsic Ref ${name}${res ? ` (${res.Type})` : ''}`);
  }

  private getAtt(id: string, attr: string, stackName: string, where: string): unknown {
    const res = this.templates[stackName]?.Resources[id];
    const key = `${res?.Type}.${attr}`;
    if (res && key === 'AWS::Lambda::Function.Arn') return this.functionArn(this.functionName(id, res));
    if (res && key === 'AWS::StepFunctions::StateMachine.Arn') {
      return this.stateMachineArn(this.stateMachineName(id, res));
    }
    if (res && key === 'AWS::StepFunctions::StateMachine.Name') return this.stateMachineName(id, res);
    if (
      res &&
      (key === 'AWS::StepFunctions::StateMachineVersion.Arn' ||
        key === 'AWS::StepFunctions::StateMachineAlias.Arn')
    ) {
      return this.qualifiedArn(res, stackName, where);
    }
    if (res && key === 'AWS::DynamoDB::Table.Arn')
      return this.arn('dynamodb', `table/${this.tableName(id, res)}`);
    throw new Error(
      `${where}: cannot resolve intrinsic Fn::GetAtt ${id}.${attr}${res ? ` (${res.Type})` : ''}`,
    );
  }

  /**
   * A version's or alias's ARN: its function's or state machine's, qualified. Locally every function and state
   * machine starts with one version, `1` (the engine numbers the ones a test publishes after it).
   */
  qualifiedArn(res: CfnResource, stackName: string, where: string): string {
    const p = res.Properties ?? {};
    switch (res.Type) {
      case 'AWS::Lambda::Version':
        return `${this.functionArn(this.string(p.FunctionName, stackName, where))}:${LOCAL_VERSION}`;
      case 'AWS::Lambda::Alias':
        return `${this.functionArn(this.string(p.FunctionName, stackName, where))}:${this.string(p.Name, stackName, where)}`;
      case 'AWS::StepFunctions::StateMachineVersion':
        return `${this.string(p.StateMachineArn, stackName, where)}:${LOCAL_VERSION}`;
      default: {
        const [routing] = (p.RoutingConfiguration ?? []) as { StateMachineVersionArn: unknown }[];
        const version = this.string(routing?.StateMachineVersionArn, stackName, `${where} routing`);
        return `${unqualified(version)}:${this.string(p.Name, stackName, where)}`;
      }
    }
  }

  private importValue(exportName: string, where: string): unknown {
    for (const [stackName, t] of Object.entries(this.templates)) {
      for (const output of Object.values(t.Outputs ?? {})) {
        if (output.Export && this.resolve(output.Export.Name, stackName, where) === exportName) {
          return this.resolve(output.Value, stackName, `${where} → ${stackName} export ${exportName}`);
        }
      }
    }
    throw new Error(`${where}: cannot resolve intrinsic Fn::ImportValue ${exportName}: no stack exports it`);
  }
}

/** The version every function and state machine has locally. */
const LOCAL_VERSION = '1';

/** `arn:…:function:<name>` / `arn:…:stateMachine:<name>` of a version's or alias's ARN. */
export const unqualified = (arn: string): string => arn.split(':').slice(0, 7).join(':');

/** A property's value when it is a plain string (not an intrinsic). */
const literal = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
