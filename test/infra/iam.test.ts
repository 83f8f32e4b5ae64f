import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_LOG_ENV, type CommandRecord } from '../../functions/commons/command-log.ts';
import { ACCESS_LOG_PREFIX, SAMPLES_PREFIX } from '../../functions/store/keys.ts';
import type { ProjectFunction } from '../../infra/constructs/project-function.ts';
import { type SynthesizedApp, synthApp } from './app-fixture.ts';

// biome-ignore lint/suspicious/noExplicitAny: IAM policy JSON
type Statement = { Action: string | string[]; Resource: any; Condition?: any };

const LOGS_AND_TRACES = [
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
];
const DYNAMODB_WRITES = new Set([
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
]);

/** The IAM actions each handler module was seen to call in this test run (COMMAND_LOG_ENV), by entry. */
function recordedCalls(): Map<string, Set<string>> {
  const dir = process.env[COMMAND_LOG_ENV];
  const calls = new Map<string, Set<string>>();
  if (!dir || !existsSync(dir)) return calls;
  for (const file of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (!line) continue;
      const { entry, action } = JSON.parse(line) as CommandRecord;
      calls.set(entry, (calls.get(entry) ?? new Set()).add(action));
    }
  }
  return calls;
}

/**
 * What a function needs for the SDK calls its module made: those actions, the key's use DynamoDB makes on its
 * behalf (decrypt for any table access, encrypt for writes), and its log stream and traces.
 */
function neededFor(calls: ReadonlySet<string>): string[] {
  const needed = new Set([...calls, ...LOGS_AND_TRACES]);
  if ([...calls].some((a) => a.startsWith('dynamodb:'))) needed.add('kms:Decrypt').add('kms:DescribeKey');
  if ([...calls].some((a) => DYNAMODB_WRITES.has(a))) needed.add('kms:Encrypt').add('kms:GenerateDataKey');
  return [...needed].sort();
}

let synth: SynthesizedApp;
beforeAll(() => {
  synth = synthApp();
});
afterAll(() => synth?.dispose());

/** Every statement of the inline policies attached to `roleLogicalId` in `stack`. */
function statementsOf(stack: Stack, roleLogicalId: string): Statement[] {
  const template = Template.fromStack(stack);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
    p.Properties.Roles.some((r: { Ref?: string }) => r.Ref === roleLogicalId),
  );
  return policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
}
const actionsOf = (statements: Statement[]) => [...new Set(statements.flatMap((s) => s.Action))].sort();
const roleIdOf = (pf: ProjectFunction) => Stack.of(pf).getLogicalId(pf.role.node.defaultChild as CfnElement);
/** The inline policy statements of a project function's role. */
const roleStatements = (pf: ProjectFunction) => statementsOf(Stack.of(pf), roleIdOf(pf));

describe('function roles', () => {
  const cases = (): [string, ProjectFunction][] => [
    ...Object.entries(synth.stacks.workflows.steps),
    ...Object.entries(synth.stacks.api.handlers).map(([g, pf]): [string, ProjectFunction] => [
      `${g} API`,
      pf,
    ]),
    ['timing-samples job', synth.stacks.api.timingSamplesJob!.handler],
  ];

  it('allows each function exactly the AWS calls its handler module made in this test run', () => {
    // Arrange: the rest of the suite ran first (vitest group order) and recorded every SDK command
    const calls = recordedCalls();
    expect(
      calls.size,
      `no SDK commands were recorded: this test reads what the rest of the suite's handlers called, so run it ` +
        `with them (npm test, or npx vitest run test/workflows test/api test/infra/iam.test.ts)`,
    ).toBeGreaterThan(0);

    // Act
    const granted = cases().map(([name, pf]) => [name, actionsOf(roleStatements(pf))]);
    const needed = cases().map(([name, pf]) => [
      name,
      [...new Set([...neededFor(calls.get(pf.entry) ?? new Set())])].sort(),
    ]);

    // Assert: every call granted, and no grant unused
    expect(granted).toEqual(needed);
  });

  it('grants the table, its four indexes and its key, never a wildcard resource', () => {
    for (const [name, pf] of cases()) {
      for (const s of roleStatements(pf)) {
        const actions = [s.Action].flat();
        if (s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']) {
          // a read-only group's own writes: items of their partitions only, never an index
          expect(actions, name).toEqual(expect.arrayContaining(['dynamodb:PutItem']));
          expect(JSON.stringify(s.Resource), name).not.toContain('/index/');
        } else if (actions.some((a) => a.startsWith('dynamodb:'))) {
          const indexes = JSON.stringify(s.Resource).match(/\/index\/[^"]+/g);
          expect(indexes, name).toEqual(['/index/gsi1', '/index/gsi2', '/index/gsi3', '/index/gsi4']);
          expect(s.Resource).toHaveLength(5);
        }
        if (actions.some((a) => a.startsWith('kms:'))) {
          expect(JSON.stringify(s.Resource), name).toContain('DataKey');
          expect(s.Condition.StringEquals['kms:ViaService'], name).toBeDefined();
        }
        // Only X-Ray has no narrower resource.
        if (s.Resource === '*')
          expect(
            actions.every((a) => a.startsWith('xray:')),
            name,
          ).toBe(true);
      }
    }
  });

  it('lets the read-only audit API put access-log items and nothing else', () => {
    const puts = roleStatements(synth.stacks.api.handlers.audit).filter((s) =>
      [s.Action].flat().includes('dynamodb:PutItem'),
    );

    expect(puts.map((s) => [s.Action, s.Condition])).toEqual([
      [
        'dynamodb:PutItem',
        { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${ACCESS_LOG_PREFIX}*`] } },
      ],
    ]);
  });

  it('lets the read-only reports API put access-log items one by one, and batch-write only timing samples', () => {
    const writes = roleStatements(synth.stacks.api.handlers.reports).filter((s) =>
      [s.Action].flat().some((a) => a === 'dynamodb:PutItem' || a === 'dynamodb:BatchWriteItem'),
    );
    const grant = (prefix: string) => ({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${prefix}*`] },
    });

    expect(writes.map((s) => [[s.Action].flat().sort(), s.Condition])).toEqual([
      [['dynamodb:PutItem'], grant(ACCESS_LOG_PREFIX)],
      [['dynamodb:BatchWriteItem', 'dynamodb:PutItem'], grant(SAMPLES_PREFIX)],
    ]);
  });

  it("lets only the cases API start the procedures' workflows, and only their state machines", () => {
    // Arrange
    const { handlers } = synth.stacks.api;
    const start = roleStatements(handlers.cases).find((s) =>
      [s.Action].flat().includes('states:StartExecution'),
    );

    // Assert
    // through the live alias, so a deploy's new version takes every new case (issue 13: versions and aliases)
    const resources = [start?.Resource].flat().map((r) => JSON.stringify(r));
    expect(resources).toHaveLength(2);
    expect(resources[0]).toContain(':stateMachine:AssistanceApprovals-Identification:live"');
    expect(resources[1]).toContain(':stateMachine:AssistanceApprovals-RiskElimination:live"');
  });

  it("completes callback tasks and stops executions of the procedures' state machines only", () => {
    const ours = /:(stateMachine|execution):AssistanceApprovals-(Identification|RiskElimination)(:\*)?"/;
    for (const [name, pf] of cases()) {
      for (const s of roleStatements(pf)) {
        const actions = [s.Action].flat();
        if (actions.includes('states:SendTaskSuccess') || actions.includes('states:StopExecution')) {
          for (const r of [s.Resource].flat()) expect(JSON.stringify(r), name).toMatch(ours);
        }
        if (actions.includes('states:StopExecution')) {
          expect(JSON.stringify(s.Resource), name).toContain(
            ':execution:AssistanceApprovals-RiskElimination:*',
          );
        }
      }
    }
  });

  it('uses no managed policy (AWSLambdaBasicExecutionRole would allow any log group)', () => {
    for (const stack of [synth.stacks.workflows, synth.stacks.api]) {
      for (const role of Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'))) {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      }
    }
  });
});

describe('the state machine role', () => {
  it('may invoke exactly the step functions’ versions published with it', () => {
    // Arrange
    const { workflows } = synth.stacks;
    const smRole = Object.keys(Template.fromStack(workflows).findResources('AWS::IAM::Role')).find((id) =>
      id.startsWith('IdentificationStateMachineRole'),
    )!;
    const invoke = statementsOf(workflows, smRole).filter((s) =>
      [s.Action].flat().includes('lambda:InvokeFunction'),
    );
    const invoked = new Set(invoke.flatMap((s) => JSON.stringify(s.Resource).match(/"Ref":"\w+"/g)));

    // Assert
    const stepFns = Object.values(workflows.steps).map((pf) =>
      JSON.stringify(workflows.resolve(pf.fn.currentVersion.functionArn)).slice(1, -1),
    );
    expect([...invoked].sort()).toEqual(stepFns.sort());
  });
});
