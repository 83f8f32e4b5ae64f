import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, routeKey } from '../../functions/api/routes.ts';
import { type CfnTemplate, resolveTemplates, synthTemplates, unqualified } from '../../local/template.ts';
import { LOCAL } from './app-fixture.ts';

const INTRINSIC = /"(Ref|Fn::[A-Za-z]+)"\s*:/;
const MINIMAL_DEFINITION = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Succeed' } } });

let templates: Record<string, CfnTemplate>;
beforeAll(async () => {
  templates = await synthTemplates();
});

describe('synthTemplates', () => {
  it('returns every stack of the app by stack name', () => {
    expect(Object.keys(templates).sort()).toEqual([
      'AssistanceApprovals-Api',
      'AssistanceApprovals-Console',
      'AssistanceApprovals-Data',
      'AssistanceApprovals-Observability',
      'AssistanceApprovals-Workflows',
    ]);
  });
});

describe('resolveTemplates on the synthesized app', () => {
  it('resolves every state machine definition, leaving no intrinsic', () => {
    // Act
    const app = resolveTemplates(templates, LOCAL);

    // Assert
    expect(app.stateMachines.length).toBeGreaterThan(0);
    for (const m of app.stateMachines) {
      expect(JSON.stringify(m.definition)).not.toMatch(INTRINSIC);
      expect(m.arn).toBe(`arn:aws:states:${LOCAL.region}:${LOCAL.accountId}:stateMachine:${m.name}`);
    }
  });

  it('points every Lambda task at a function of the app', () => {
    // Arrange
    const app = resolveTemplates(templates, LOCAL);
    const arns = new Set(app.functions.map((f) => f.arn));

    // Assert
    for (const m of app.stateMachines) {
      for (const [name, s] of Object.entries(m.definition.States)) {
        if (s.Type !== 'Task') continue;
        const resource = String(s.Resource);
        const fn = resource.startsWith('arn:aws:lambda:')
          ? resource
          : String((s.Parameters as { FunctionName?: string }).FunctionName);
        // a version of it: each state-machine version invokes the step code published with it
        expect(arns.has(unqualified(fn)) && fn !== unqualified(fn), `${name} → ${fn}`).toBe(true);
      }
    }
  });

  it('resolves function environments across stacks, with no intrinsic left', () => {
    // Act
    const app = resolveTemplates(templates, LOCAL);

    // Assert
    const [table] = app.tables;
    const [machine] = app.stateMachines;
    for (const f of app.functions) {
      expect(JSON.stringify(f.environment)).not.toMatch(INTRINSIC);
      expect(f.arn).toBe(`arn:aws:lambda:${LOCAL.region}:${LOCAL.accountId}:function:${f.logicalId}`);
      if (f.environment.TABLE_NAME) expect(f.environment.TABLE_NAME).toBe(table!.name);
    }
    // every function that starts executions starts them through the alias (filing, renewal, migration, the
    // review of an objection after publicity)
    const starters = app.functions.filter((f) => f.environment.IDENTIFICATION_STATE_MACHINE_ARN);
    expect(starters.map((f) => f.entry).sort()).toEqual(
      [
        'functions/api/cases.ts',
        'functions/steps/close-publicity.ts',
        'functions/steps/migrate.ts',
        'functions/steps/renew-execution.ts',
      ].sort(),
    );
    expect(new Set(starters.map((f) => f.environment.IDENTIFICATION_STATE_MACHINE_ARN))).toEqual(
      new Set([`${machine!.arn}:live`]),
    );
    expect(machine!.aliases).toEqual(['live']);
  });

  it('reads back one route per contract route, with its authorization', () => {
    const app = resolveTemplates(templates, LOCAL);
    expect(app.routes.map((r) => [r.routeKey, r.authorized]).sort()).toEqual(
      ROUTES.map((r) => [routeKey(r), r.auth]).sort(),
    );
  });

  it('names tables by logical id, after a prefix when given one', () => {
    // Act
    const byDefault = resolveTemplates(templates, LOCAL);
    const renamed = resolveTemplates(templates, { ...LOCAL, tablePrefix: 'test-' });

    // Assert
    const [table] = byDefault.tables;
    expect(table!.name).toBe(table!.logicalId);
    expect(renamed.tables[0]!.name).toBe(`test-${table!.logicalId}`);
    expect(renamed.functions.find((f) => f.environment.TABLE_NAME)?.environment.TABLE_NAME).toBe(
      `test-${table!.logicalId}`,
    );
  });
});

describe('resolveTemplates on hand-written templates', () => {
  /** A template with one function whose environment holds `variables`. */
  const withEnv = (
    variables: Record<string, unknown>,
    extra: CfnTemplate['Resources'] = {},
  ): CfnTemplate => ({
    Resources: {
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: { Environment: { Variables: variables } },
        Metadata: { 'app:entry': 'functions/x.ts' },
      },
      Machine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: { StateMachineName: 'review', DefinitionString: MINIMAL_DEFINITION },
      },
      ...extra,
    },
  });
  const envOf = (templates: Record<string, CfnTemplate>) =>
    resolveTemplates(templates, LOCAL).functions.find((f) => f.logicalId === 'Fn')!.environment;

  it('resolves Fn::Sub with pseudo parameters, resource attributes, variables and escapes', () => {
    // Arrange
    const template = withEnv({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax, not JavaScript
      A: { 'Fn::Sub': 'arn:${AWS::Partition}:x:${AWS::Region}:${AWS::AccountId}:${Fn.Arn}' },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax, not JavaScript
      B: { 'Fn::Sub': ['${Name}-${!Literal}', { Name: { Ref: 'Machine' } }] },
      C: { 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] },
      D: 7,
    });

    // Act
    const env = envOf({ S: template });

    // Assert
    expect(env).toEqual({
      A: `arn:aws:x:${LOCAL.region}:${LOCAL.accountId}:arn:aws:lambda:${LOCAL.region}:${LOCAL.accountId}:function:Fn`,
      B: `arn:aws:states:${LOCAL.region}:${LOCAL.accountId}:stateMachine:review-\${Literal}`,
      C: 'b',
      D: '7',
    });
  });

  it('follows Fn::ImportValue to the exporting stack', () => {
    // Arrange
    const producer: CfnTemplate = {
      Resources: {
        Machine: {
          Type: 'AWS::StepFunctions::StateMachine',
          Properties: { DefinitionString: MINIMAL_DEFINITION },
        },
      },
      Outputs: { Out: { Value: { Ref: 'Machine' }, Export: { Name: 'producer:machine' } } },
    };
    const consumer = withEnv({ ARN: { 'Fn::ImportValue': 'producer:machine' } });
    delete consumer.Resources.Machine;

    // Act
    const env = envOf({ Producer: producer, Consumer: consumer });

    // Assert
    expect(env.ARN).toBe(`arn:aws:states:${LOCAL.region}:${LOCAL.accountId}:stateMachine:Machine`);
  });

  it.each([
    [{ 'Fn::GetAtt': ['Pool', 'ProviderURL'] }, 'Fn::GetAtt Pool.ProviderURL'],
    [{ Ref: 'Pool' }, 'Ref Pool (AWS::Cognito::UserPool)'],
    [{ 'Fn::FindInMap': ['M', 'k', 'v'] }, 'Fn::FindInMap'],
    [{ 'Fn::ImportValue': 'nobody:exports-this' }, 'Fn::ImportValue nobody:exports-this'],
  ])('throws naming the intrinsic it cannot resolve: %j', (value, named) => {
    // Arrange
    const template = withEnv({ X: value }, { Pool: { Type: 'AWS::Cognito::UserPool', Properties: {} } });

    // Act / Assert
    expect(() => resolveTemplates({ S: template }, LOCAL)).toThrow(named);
  });

  it('refuses a function it could not run: one without app:entry', () => {
    const template = withEnv({});
    delete template.Resources.Fn!.Metadata;
    expect(() => resolveTemplates({ S: template }, LOCAL)).toThrow("S/Fn: no 'app:entry' metadata");
  });
});
