import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP_ENTRIES, ROUTES, routeKey } from '../../functions/api/routes.ts';
import { type SynthesizedApp, synthApp } from './app-fixture.ts';

let synth: SynthesizedApp;
let api: Template;
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON
let routes: Record<string, any>;
let authorizerId: string;

beforeAll(() => {
  synth = synthApp();
  api = Template.fromStack(synth.stacks.api);
  routes = Object.fromEntries(
    Object.values(api.findResources('AWS::ApiGatewayV2::Route')).map((r) => [
      r.Properties.RouteKey,
      r.Properties,
    ]),
  );
  const authorizers = Object.entries(api.findResources('AWS::ApiGatewayV2::Authorizer'));
  expect(authorizers).toHaveLength(1);
  authorizerId = authorizers[0]![0];
});
afterAll(() => synth?.dispose());

describe('routes', () => {
  it('has exactly one HTTP route per contract route', () => {
    expect(Object.keys(routes).sort()).toEqual(ROUTES.map(routeKey).sort());
  });

  it('puts the Cognito JWT authorizer on every route that needs authentication', () => {
    for (const route of ROUTES.filter((r) => r.auth)) {
      expect(routes[routeKey(route)], routeKey(route)).toMatchObject({
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: authorizerId },
      });
    }
  });

  it('leaves /health and /openapi.json public', () => {
    for (const key of ['GET /health', 'GET /openapi.json']) {
      expect(routes[key].AuthorizationType).toBe('NONE');
      expect(routes[key].AuthorizerId).toBeUndefined();
    }
  });

  it("sends each route to its group's handler module", () => {
    // Arrange
    const byKey = new Map(synth.resolved.routes.map((r) => [r.routeKey, r]));
    const entryOf = new Map(synth.resolved.functions.map((f) => [f.logicalId, f.entry]));

    // Assert
    for (const route of ROUTES) {
      const resolved = byKey.get(routeKey(route))!;
      expect(entryOf.get(resolved.functionLogicalId), routeKey(route)).toBe(GROUP_ENTRIES[route.group]);
      expect(resolved.authorized).toBe(route.auth);
    }
  });
});

describe('identity', () => {
  it('trusts tokens of the user pool issued to the console client', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IdentityUsers'), 'ProviderURL'] },
        Audience: [{ Ref: Match.stringLikeRegexp('^IdentityUsersConsole') }],
      },
    });
  });

  it('keeps accounts admin-created, with role and jurisdiction attributes and a strong password policy', () => {
    api.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'role', AttributeDataType: 'String' }),
        Match.objectLike({ Name: 'jurisdiction', AttributeDataType: 'String' }),
      ]),
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      UserPoolTier: 'PLUS',
      // every account, staff or applicant, signs in with a TOTP second factor
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    });
  });

  it('never lets a user write their own role or jurisdiction through the client', () => {
    // Arrange
    const clients = Object.values(api.findResources('AWS::Cognito::UserPoolClient'));

    // Assert
    expect(clients).toHaveLength(1);
    const client = clients[0]!.Properties;
    // nothing, not even `name` (the actor in the audit trail): administrators set every attribute
    expect(client.WriteAttributes).toEqual([]);
    expect(client.ReadAttributes).toEqual(expect.arrayContaining(['custom:role', 'custom:jurisdiction']));
    expect(client.GenerateSecret).toBe(false);
  });
});

describe('the HTTP API', () => {
  it('logs every request on the auto-deployed default stage', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
    });
  });

  it('has CORS off: the console is served from the same origin', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
  });

  it('tells the cases handler which state machine to start and every data handler which table to use', () => {
    // Arrange
    const fn = (entry: string) => synth.resolved.functions.find((f) => f.entry === entry)!;
    const [table] = synth.resolved.tables;
    const [machine] = synth.resolved.stateMachines;

    // Assert
    expect(fn(GROUP_ENTRIES.cases).environment).toMatchObject({
      TABLE_NAME: table!.name,
      // the live alias: every start runs the version it points at
      IDENTIFICATION_STATE_MACHINE_ARN: `${machine!.arn}:live`,
    });
    expect(fn(GROUP_ENTRIES.tasks).environment.TABLE_NAME).toBe(table!.name);
  });
});

describe('paging cursor key', () => {
  it('gives every route group the one generated secret as CURSOR_KEY, resolved at deploy time', () => {
    const secrets = Object.keys(api.findResources('AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(1);
    const keyed = Object.values(api.findResources('AWS::Lambda::Function')).filter(
      (f) => f.Properties.Environment?.Variables?.CURSOR_KEY,
    );
    expect(keyed).toHaveLength(Object.keys(GROUP_ENTRIES).length);
    for (const f of keyed) {
      expect(JSON.stringify(f.Properties.Environment.Variables.CURSOR_KEY)).toContain(
        `{"Ref":"${secrets[0]}"}`,
      );
      expect(JSON.stringify(f.Properties.Environment.Variables.CURSOR_KEY)).toContain(
        '{{resolve:secretsmanager:',
      );
    }
  });
});
