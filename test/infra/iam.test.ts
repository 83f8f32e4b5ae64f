import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
const TABLE_RW = [
  'dynamodb:BatchGetItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
];
const TABLE_RO = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];
const KEY_RW = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'];
const TASK_RESULTS = ['states:SendTaskFailure', 'states:SendTaskSuccess'];
const STEP = [...LOGS_AND_TRACES, ...TABLE_RW, ...KEY_RW];
/** A read-only group that records reads: put access-log items, encrypted with the table's key. */
const ACCESS_LOG = ['dynamodb:PutItem', ...KEY_RW];
/** The reports group also stores settled months' timing samples, in batches (PutItem as for the log). */
const TIMING_SAMPLES = ['dynamodb:BatchWriteItem'];

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
  const cases = (): [string, ProjectFunction, string[]][] => {
    const { steps } = synth.stacks.workflows;
    const { handlers } = synth.stacks.api;
    return [
      ['openStage', steps.openStage, STEP],
      ['awaitDecision', steps.awaitDecision, [...STEP, ...TASK_RESULTS]],
      ['escalate', steps.escalate, STEP],
      ['awaitSupplement', steps.awaitSupplement, STEP],
      ['withdrawUnsupplemented', steps.withdrawUnsupplemented, STEP],
      ['startPublicity', steps.startPublicity, STEP],
      ['closePublicity', steps.closePublicity, STEP],
      ['markError', steps.markError, STEP],
      ['cases API', handlers.cases, [...STEP, ...TASK_RESULTS, 'states:StartExecution']],
      ['tasks API', handlers.tasks, [...STEP, ...TASK_RESULTS]],
      ['meta API', handlers.meta, LOGS_AND_TRACES],
      ['reports API', handlers.reports, [...LOGS_AND_TRACES, ...TABLE_RO, ...ACCESS_LOG, ...TIMING_SAMPLES]],
      ['audit API', handlers.audit, [...LOGS_AND_TRACES, ...TABLE_RO, ...ACCESS_LOG]],
      ['admin API', handlers.admin, [...LOGS_AND_TRACES, ...TABLE_RO, 'dynamodb:PutItem', ...KEY_RW]],
    ];
  };

  it('covers every function of the app', () => {
    const all = [...Object.values(synth.stacks.workflows.steps), ...Object.values(synth.stacks.api.handlers)];
    expect(cases().map(([, pf]) => pf)).toEqual(expect.arrayContaining(all));
    expect(cases()).toHaveLength(all.length);
  });

  it('allows each function exactly the actions it needs', () => {
    for (const [name, pf, expected] of cases()) {
      expect(actionsOf(roleStatements(pf)), name).toEqual([...expected].sort());
    }
  });

  it('grants the table, its three indexes and its key, never a wildcard resource', () => {
    for (const [name, pf] of cases()) {
      for (const s of roleStatements(pf)) {
        const actions = [s.Action].flat();
        if (s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']) {
          // a read-only group's own writes: items of their partitions only, never an index
          expect(actions, name).toEqual(expect.arrayContaining(['dynamodb:PutItem']));
          expect(JSON.stringify(s.Resource), name).not.toContain('/index/');
        } else if (actions.some((a) => a.startsWith('dynamodb:'))) {
          const indexes = JSON.stringify(s.Resource).match(/\/index\/[^"]+/g);
          expect(indexes, name).toEqual(['/index/gsi1', '/index/gsi2', '/index/gsi3']);
          expect(s.Resource).toHaveLength(4);
        }
        if (actions.some((a) => a.startsWith('kms:'))) {
          expect(JSON.stringify(s.Resource), name).toContain('DataKey');
          expect(s.Condition.StringEquals['kms:ViaService'], name).toBeDefined();
        }
        // Only X-Ray and task-token completion have no narrower resource.
        if (s.Resource === '*')
          expect(actions.every((a) => a.startsWith('xray:') || TASK_RESULTS.includes(a))).toBe(true);
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

  it('lets only the cases API start the identification workflow, and only that state machine', () => {
    // Arrange
    const { handlers } = synth.stacks.api;
    const start = roleStatements(handlers.cases).find((s) =>
      [s.Action].flat().includes('states:StartExecution'),
    );

    // Assert
    expect(JSON.stringify(start?.Resource)).toContain('IdentificationStateMachine');
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
  it('may invoke exactly the step functions', () => {
    // Arrange
    const { workflows } = synth.stacks;
    const smRole = Object.keys(Template.fromStack(workflows).findResources('AWS::IAM::Role')).find((id) =>
      id.startsWith('IdentificationStateMachineRole'),
    )!;
    const invoke = statementsOf(workflows, smRole).filter((s) =>
      [s.Action].flat().includes('lambda:InvokeFunction'),
    );
    const invoked = new Set(
      invoke.flatMap((s) => JSON.stringify(s.Resource).match(/"(\w+Function\w+)","Arn"/g)),
    );

    // Assert
    const stepFns = Object.values(workflows.steps).map(
      (pf) => `"${workflows.getLogicalId(pf.fn.node.defaultChild as CfnElement)}","Arn"`,
    );
    expect([...invoked].sort()).toEqual(stepFns.sort());
  });
});
