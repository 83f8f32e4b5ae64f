import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.ts';
import { type SynthesizedApp, synthApp } from './app-fixture.ts';

let cn: SynthesizedApp;
beforeAll(() => {
  cn = synthApp({ context: { partition: 'aws-cn' } });
});
afterAll(() => cn?.dispose());

/** Every string in a template, with the JSON path that leads to it. */
function stringsOf(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsOf(v, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => stringsOf(v, `${path}.${k}`));
  }
  return [];
}

/** Service principals keep `amazonaws.com` in China too (IAM trust policies, Lambda permissions). */
const isServicePrincipal = (path: string) =>
  /\.Principal\.Service(\[\d+\])?$/.test(path) || /\.Properties\.Principal$/.test(path);

describe('npm run synth -- -c partition=aws-cn', () => {
  it('has no Cognito (China regions have no user pools): the API trusts an OIDC issuer and audience', () => {
    const types = Object.values(cn.templates).flatMap((t) => Object.values(t.Resources).map((r) => r.Type));
    expect(types.filter((t) => t.startsWith('AWS::Cognito::'))).toEqual([]);

    const api = Template.fromStack(cn.stacks.api);
    api.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: { Ref: 'OidcIssuer' }, Audience: [{ Ref: 'OidcAudience' }] },
    });
    expect(Object.keys(api.toJSON().Parameters)).toEqual(
      expect.arrayContaining(['OidcIssuer', 'OidcAudience']),
    );
  });

  it('hard-codes no partition: ARNs and domains come from AWS::Partition and AWS::URLSuffix', () => {
    const offending = Object.entries(cn.templates).flatMap(([stack, t]) =>
      stringsOf(t.Resources)
        .filter(([path, s]) => /arn:aws:|amazonaws\.com/.test(s) && !isServicePrincipal(path))
        .map(([path, s]) => `${stack}${path}: ${s}`),
    );
    expect(offending).toEqual([]);
    const key = stringsOf(cn.templates['AssistanceApprovals-Workflows']!.Resources).filter(([p]) =>
      p.includes('kms:ViaService'),
    );
    expect(key.length).toBeGreaterThan(0);
    expect(JSON.stringify(cn.templates['AssistanceApprovals-Workflows'])).toContain('AWS::URLSuffix');
  });

  it('passes cdk-nag AwsSolutions with nothing unacknowledged', () => {
    const report = new AwsSolutionsChecks().validateScope(cn.app);
    expect(
      report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath)}`),
    ).toEqual([]);
  });

  it('refuses Cognito in aws-cn, naming the setting', () => {
    expect(() => buildApp({ context: { partition: 'aws-cn', identity: 'cognito' } })).toThrow(
      /identity=cognito: aws-cn has no Cognito user pools/,
    );
  });

  it('takes the OIDC issuer and audience from context when given, with no parameter left to fill', () => {
    const oidc = synthApp({
      context: {
        identity: 'oidc',
        oidcIssuer: 'https://id.example.gov.cn/realms/county',
        oidcAudience: 'console',
      },
    });
    try {
      Template.fromStack(oidc.stacks.api).hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        JwtConfiguration: { Issuer: 'https://id.example.gov.cn/realms/county', Audience: ['console'] },
      });
      const parameters = Object.keys(Template.fromStack(oidc.stacks.api).toJSON().Parameters ?? {});
      expect(parameters).not.toContain('OidcIssuer');
      expect(parameters).not.toContain('OidcAudience');
    } finally {
      oidc.dispose();
    }
  });
});
