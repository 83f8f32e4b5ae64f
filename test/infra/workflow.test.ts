import { createRequire } from 'node:module';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HUMAN_STAGES,
  IDENTIFICATION,
  type ProcedureCatalogue,
  RISK_ELIMINATION,
  type RouteTarget,
  targetsFrom,
  targetsFromPublicity,
  targetsFromSupplementWait,
} from '../../functions/core/procedure.ts';
import { STEP_ENTRIES } from '../../functions/steps/entries.ts';
import { TRANSIENT_ERROR } from '../../functions/steps/transient.ts';
import { STATE_MACHINES } from '../../infra/stacks/workflow-stack.ts';
import type { AslDefinition, ResolvedStateMachine } from '../../local/template.ts';
import type { Procedure } from '../../schemas/domain.ts';
import { LIVE_ALIAS, stageLabel } from '../../workflows/procedure-workflow.ts';
import { type SynthesizedApp, synthApp } from './app-fixture.ts';

type AslValidator = (
  definition: unknown,
  opts?: { checkPaths?: boolean; checkArn?: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

// biome-ignore lint/suspicious/noExplicitAny: ASL states are free-form JSON
type State = Record<string, any>;

/** Every state of a definition, Parallel branches and Map processors included. */
function statesOf(def: { States: Record<string, State> }): [string, State][] {
  return Object.entries(def.States).flatMap(([name, s]) => [
    [name, s] as [string, State],
    ...(s.Branches ?? []).flatMap(statesOf),
    ...[s.Iterator, s.ItemProcessor].filter(Boolean).flatMap(statesOf),
  ]);
}
const isCallback = (s: State) => s.Type === 'Task' && String(s.Resource).endsWith('.waitForTaskToken');
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

let synth: SynthesizedApp;
let machines: ResolvedStateMachine[];

beforeAll(() => {
  synth = synthApp();
  machines = synth.resolved.stateMachines;
});

/** The synthesized definition of a procedure's state machine. */
const definitionOf = (catalogue: ProcedureCatalogue): AslDefinition =>
  machines.find((m) => m.name === STATE_MACHINES[catalogue.procedure].name)!.definition;
afterAll(() => synth?.dispose());

describe('every synthesized state machine', () => {
  it('writes no negated type test (`IsPresent: false`, …) in a Choice: the local engine reads each as false', () => {
    // aws-local-stepfunctions 3.0.0 evaluates `IsPresent`/`IsNull`/`IsString`/… as `flag && test`, so a rule with
    // `false` never matches locally while it does on AWS; `Not` of the positive test means the same on both.
    const rulesOf = (rule: State): State[] => [
      rule,
      ...(rule.And ?? rule.Or ?? []).flatMap(rulesOf),
      ...(rule.Not ? rulesOf(rule.Not) : []),
    ];
    const negated = machines.flatMap((m) =>
      statesOf(m.definition)
        .filter(([, s]) => s.Type === 'Choice')
        .flatMap(([name, s]) =>
          (s.Choices as State[])
            .flatMap(rulesOf)
            .filter((r) => Object.entries(r).some(([k, v]) => /^Is[A-Z]/.test(k) && v === false))
            .map(() => `${m.name}: ${name}`),
        ),
    );

    expect(negated).toEqual([]);
  });

  it('gives every waitForTaskToken task a timeout, so no callback can hang unseen', () => {
    // Arrange
    const callbacks = machines.flatMap((m) => statesOf(m.definition).filter(([, s]) => isCallback(s)));

    // Assert: one per human stage plus the applicant's supplement
    expect(callbacks.length).toBeGreaterThanOrEqual(HUMAN_STAGES.length + 1);
    for (const [name, s] of callbacks) {
      expect(s.TimeoutSeconds ?? s.TimeoutSecondsPath, `${name} has no timeout`).toBeDefined();
    }
  });

  it('retries Lambda service errors on every task and catches everything else into Mark error', () => {
    for (const m of machines) {
      for (const [name, s] of statesOf(m.definition).filter(([, s]) => s.Type === 'Task')) {
        const retried = (s.Retry ?? []).flatMap((r: State) => r.ErrorEquals);
        expect(retried, `${name} retries`).toEqual(expect.arrayContaining(LAMBDA_SERVICE_ERRORS));
        if (name === 'Mark error') {
          // The error sink itself: retried, then the execution fails (and alarms).
          expect(s.Catch).toBeUndefined();
          expect(m.definition.States[s.Next]?.Type).toBe('Fail');
          continue;
        }
        const last = s.Catch?.at(-1);
        expect(last, `${name} has no catch-all`).toMatchObject({
          ErrorEquals: ['States.ALL'],
          Next: 'Mark error',
          ResultPath: '$.error',
        });
      }
    }
  });

  it('retries throttles and transient step errors with exponential, capped, fully jittered backoff', () => {
    for (const m of machines) {
      for (const [name, s] of statesOf(m.definition).filter(([, s]) => s.Type === 'Task')) {
        const retriers = (s.Retry ?? []) as State[];
        for (const errors of [LAMBDA_SERVICE_ERRORS, [TRANSIENT_ERROR]]) {
          const retrier = retriers.find((r) => errors.every((e) => r.ErrorEquals.includes(e)));
          expect(retrier, `${name} retries ${errors}`).toMatchObject({
            BackoffRate: 2,
            JitterStrategy: 'FULL',
            MaxDelaySeconds: 60,
          });
          expect(retrier!.MaxAttempts, name).toBeGreaterThanOrEqual(6);
        }
        // never a blanket retry: a timeout escalates, a domain error marks the case
        expect(
          retriers.flatMap((r) => r.ErrorEquals),
          name,
        ).not.toContain('States.ALL');
        expect(
          retriers.flatMap((r) => r.ErrorEquals),
          name,
        ).not.toContain('States.Timeout');
      }
    }
  });

  it('gives every Choice a Default', () => {
    for (const m of machines) {
      for (const [name, s] of statesOf(m.definition).filter(([, s]) => s.Type === 'Choice')) {
        expect(s.Default, `${name} has no Default`).toBeDefined();
      }
    }
  });

  it('passes asl-validator', () => {
    for (const m of machines) {
      // Act: the validator annotates what it is given, so it gets a copy
      const result = aslValidator(structuredClone(m.definition));

      // Assert
      expect(result.isValid, result.errorsText('\n')).toBe(true);
    }
  });

  it('has no unreachable state', () => {
    for (const m of machines) {
      const reachable = new Set<string>();
      const visit = (name: string) => {
        if (reachable.has(name)) return;
        reachable.add(name);
        const s = m.definition.States[name] as State;
        const next = [s.Next, s.Default, ...(s.Choices ?? []).map((c: State) => c.Next)];
        for (const n of [...next, ...(s.Catch ?? []).map((c: State) => c.Next)].filter(Boolean)) visit(n);
      };
      visit(m.definition.StartAt);
      expect(Object.keys(m.definition.States).filter((n) => !reachable.has(n))).toEqual([]);
    }
  });
});

describe.each([IDENTIFICATION, RISK_ELIMINATION])('the $procedure workflow', (catalogue) => {
  const state = (name: string) => {
    const s = definitionOf(catalogue).States[name] as State | undefined;
    if (!s) throw new Error(`no state "${name}"`);
    return s;
  };
  /** Target → entered state, as read from a Choice on $.route.target (its plain target rules). */
  const branches = (choice: string) =>
    Object.fromEntries(
      state(choice)
        .Choices.filter((c: State) => !c.And)
        .map((c: State) => {
          expect(c.Variable).toBe('$.route.target');
          return [c.StringEquals, c.Next];
        }),
    );
  const entryOf = (target: RouteTarget) =>
    target === 'publicity'
      ? 'Publicity: wait'
      : target === 'await_supplement'
        ? 'Await supplement'
        : target === 'end'
          ? 'Done'
          : `${stageLabel(target)}: await decision`;
  const expected = (targets: readonly RouteTarget[]) =>
    Object.fromEntries(targets.map((t) => [t, entryOf(t)]));

  it('starts on the route, so a case can enter (or resume) at any stage', () => {
    expect(definitionOf(catalogue).StartAt).toBe('Route');
    expect(branches('Route')).toEqual(expected([...HUMAN_STAGES, 'publicity', 'await_supplement', 'end']));
    expect(state(state('Route').Default).Type).toBe('Fail');
    // a route to publicity stored before decisions started it (no end yet) enters at its start, first
    expect(state('Route').Choices[0]).toEqual({
      And: [
        { Variable: '$.route.target', StringEquals: 'publicity' },
        { Not: { Variable: '$.route.endsAt', IsPresent: true } },
      ],
      Next: 'Publicity: start',
    });
  });

  it.each(HUMAN_STAGES)(
    'routes every decision of %s along the catalogue, anything else to Mark error',
    (stage) => {
      // Arrange
      const label = stageLabel(stage);

      // Assert
      expect(branches(`${label}: decision`)).toEqual(expected(targetsFrom(catalogue, stage)));
      const fallback = state(state(`${label}: decision`).Default);
      expect(fallback.Next).toBe('Mark error');
      expect(fallback.ResultPath).toBe('$.error');
    },
  );

  it.each(HUMAN_STAGES)(
    'opens a %s task and waits for the decision in one callback task, escalating when it is overdue',
    (stage) => {
      // Arrange
      const label = stageLabel(stage);
      const wait = state(`${label}: await decision`);
      const escalate = state(`${label}: escalate`);

      // Assert: open and await in one callback (timeout from the planned task's escalation) → decision;
      // timeout → escalate → await again, or, once the execution is old enough, renew it
      expect(isCallback(wait)).toBe(true);
      expect(wait.Comment).toBe(catalogue.statute[stage]);
      expect(wait.TimeoutSecondsPath).toBe('$.route.timeoutSeconds');
      expect(wait.Parameters.Payload).toEqual({
        'caseId.$': '$.caseId',
        stage,
        'route.$': '$.route',
        'taskToken.$': '$$.Task.Token',
      });
      expect(wait.ResultPath).toBe('$.route');
      expect(wait.Next).toBe(`${label}: decision`);
      expect(wait.Catch[0]).toEqual({
        ErrorEquals: ['States.Timeout'],
        ResultPath: '$.timeout',
        Next: `${label}: escalate`,
      });
      expect(escalate.ResultPath).toBe('$.route');
      expect(escalate.Parameters['route.$']).toBe('$.route');
      expect(escalate.Parameters['executionStartedAt.$']).toBe('$$.Execution.StartTime');
      const renew = state(escalate.Next);
      expect(renew.Choices).toEqual([
        { Variable: '$.route.renew', IsPresent: true, Next: 'Renew execution' },
      ]);
      expect(renew.Default).toBe(`${label}: await decision`);
    },
  );

  it('waits for a supplement until the policy limit, then withdraws the case', () => {
    // Arrange
    const wait = state('Await supplement');

    // Assert
    expect(isCallback(wait)).toBe(true);
    expect(wait.TimeoutSecondsPath).toBe('$.route.timeoutSeconds');
    expect(wait.Catch[0]).toMatchObject({ ErrorEquals: ['States.Timeout'], Next: 'Withdraw: no supplement' });
    expect(state('Withdraw: no supplement').Next).toBe(wait.Next);
    expect(branches(wait.Next)).toEqual(expected(targetsFromSupplementWait(catalogue)));
  });

  it('holds publicity until the end its route carries, then closes it and ends: an objection continues in a fresh execution', () => {
    expect(state('Publicity: start').ResultPath).toBe('$.route');
    expect(state('Publicity: start').Next).toBe('Publicity: wait');
    expect(state('Publicity: wait')).toMatchObject({ Type: 'Wait', TimestampPath: '$.route.endsAt' });
    expect(state('Publicity: wait').Next).toBe('Publicity: close');
    expect(state('Publicity: close')).toMatchObject({ ResultPath: '$.route', End: true });
    expect(state('Publicity: close').Parameters).toEqual({
      'caseId.$': '$.caseId',
      'executionName.$': '$$.Execution.Name',
    });
    // every target after publicity but the end is where the fresh execution enters, from its start
    const reviews = targetsFromPublicity(catalogue).filter((t) => t !== 'end');
    expect(reviews.length).toBeGreaterThan(0);
    expect(branches('Route')).toMatchObject(expected(reviews));
  });

  it('invokes each step Lambda by its own function', () => {
    // Arrange: function ARN → handler module
    const entryByArn = new Map(synth.resolved.functions.map((f) => [f.arn, f.entry]));
    // each through the version published with this definition (locally: version 1)
    const entryOfState = (name: string) => {
      const s = state(name);
      const arn: string = isCallback(s) ? s.Parameters.FunctionName : s.Resource;
      expect(arn, name).toMatch(/:function:[^:]+:1$/);
      return entryByArn.get(arn.slice(0, arn.lastIndexOf(':')));
    };

    // Assert
    expect(entryOfState('Village review: await decision')).toBe(STEP_ENTRIES.openStage);
    expect(entryOfState('County approval: escalate')).toBe(STEP_ENTRIES.escalate);
    expect(entryOfState('Await supplement')).toBe(STEP_ENTRIES.awaitSupplement);
    expect(entryOfState('Withdraw: no supplement')).toBe(STEP_ENTRIES.withdrawUnsupplemented);
    expect(entryOfState('Publicity: start')).toBe(STEP_ENTRIES.startPublicity);
    expect(entryOfState('Publicity: close')).toBe(STEP_ENTRIES.closePublicity);
    expect(entryOfState('Mark error')).toBe(STEP_ENTRIES.markError);
    expect(entryOfState('Renew execution')).toBe(STEP_ENTRIES.renewExecution);
    expect(state('Renew execution').Parameters).toEqual({
      'caseId.$': '$.caseId',
      'executionName.$': '$$.Execution.Name',
    });
    expect(state(state('Renew execution').Next).Type).toBe('Succeed');
    expect(state('Mark error').Parameters).toEqual({ 'caseId.$': '$.caseId', 'error.$': '$.error' });
  });

  it('is a traced Standard state machine that logs transitions but never execution data', () => {
    Template.fromStack(synth.stacks.workflows).hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: STATE_MACHINES[catalogue.procedure].name,
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
  });
});

describe('deploys and in-flight cases', () => {
  const workflows = () => Template.fromStack(synth.stacks.workflows);
  /** The resource of `type` whose logical id starts with the procedure's construct id: one per procedure. */
  const resourceOf = (t: Template, type: string, procedure: Procedure) => {
    const found = Object.entries(t.findResources(type)).filter(([id]) =>
      id.startsWith(STATE_MACHINES[procedure].id),
    );
    expect(found, type).toHaveLength(1);
    return found[0]!;
  };
  const PROCEDURES = Object.keys(STATE_MACHINES) as Procedure[];

  it.each(PROCEDURES)(
    'retains the %s state machine, so no stack change can take running executions with it',
    (p) => {
      expect(Object.keys(workflows().findResources('AWS::StepFunctions::StateMachine'))).toHaveLength(
        PROCEDURES.length,
      );
      const [, machine] = resourceOf(workflows(), 'AWS::StepFunctions::StateMachine', p);
      expect(machine.DeletionPolicy).toBe('Retain');
      expect(machine.UpdateReplacePolicy).toBe('Retain');
    },
  );

  it.each(PROCEDURES)(
    'publishes each %s revision as a kept version, and points its live alias wholly at it',
    (p) => {
      const t = workflows();
      const [machineId] = resourceOf(t, 'AWS::StepFunctions::StateMachine', p);
      const [versionId, version] = resourceOf(t, 'AWS::StepFunctions::StateMachineVersion', p);
      expect(version.Properties).toMatchObject({
        StateMachineArn: { Ref: machineId },
        // a new revision replaces the version resource: CloudFormation publishes a new version
        StateMachineRevisionId: { 'Fn::GetAtt': [machineId, 'StateMachineRevisionId'] },
      });
      // the old version stays for the executions still running on it, until migrate moves them
      expect(version.DeletionPolicy).toBe('Retain');
      expect(version.UpdateReplacePolicy).toBe('Retain');
      const [, alias] = resourceOf(t, 'AWS::StepFunctions::StateMachineAlias', p);
      expect(alias.Properties).toMatchObject({
        Name: LIVE_ALIAS,
        RoutingConfiguration: [{ StateMachineVersionArn: { 'Fn::GetAtt': [versionId, 'Arn'] }, Weight: 100 }],
      });
    },
  );

  it('starts every execution through the aliases, and lets nothing start one on a bare state machine', () => {
    const aliasArns = Object.values(synth.stacks.workflows.machines).map((m) => m.aliasArn);
    const starters = [
      synth.stacks.api.handlers.cases,
      synth.stacks.workflows.steps.renewExecution,
      synth.stacks.workflows.migrate,
    ];
    for (const pf of starters) {
      const stack = Stack.of(pf);
      const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
        .filter((p) =>
          p.Properties.Roles.some(
            (r: { Ref?: string }) => r.Ref === stack.getLogicalId(pf.role.node.defaultChild as CfnElement),
          ),
        )
        .flatMap((p) => p.Properties.PolicyDocument.Statement);
      const starts = statements.filter((s: { Action: string | string[] }) =>
        [s.Action].flat().includes('states:StartExecution'),
      );
      expect(starts, pf.entry).toHaveLength(1);
      expect(stack.resolve(starts[0].Resource)).toEqual(stack.resolve(aliasArns));
    }
  });

  it('invokes every step through a retained version, and every API route through its live alias', () => {
    const lambdaVersions = Object.values(workflows().findResources('AWS::Lambda::Version'));
    expect(lambdaVersions).toHaveLength(Object.keys(STEP_ENTRIES).length);
    for (const v of lambdaVersions) expect(v.DeletionPolicy).toBe('Retain');
    const api = Template.fromStack(synth.stacks.api);
    const aliases = api.findResources('AWS::Lambda::Alias');
    expect(Object.values(aliases).map((a) => a.Properties.Name)).toEqual(
      Object.keys(synth.stacks.api.handlers).map(() => LIVE_ALIAS),
    );
    for (const integration of Object.values(api.findResources('AWS::ApiGatewayV2::Integration'))) {
      expect(Object.keys(aliases)).toContain(integration.Properties.IntegrationUri.Ref);
    }
  });
});
