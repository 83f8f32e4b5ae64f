import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_IDS, stackName } from '../../infra/build-app.ts';
import { EdgeFirewall } from '../../infra/constructs/edge-firewall.ts';
import type { ConsoleStack } from '../../infra/stacks/console-stack.ts';
import { CLOUDFRONT_WAF_REGION } from '../../infra/stacks/edge-stack.ts';
import { type SynthesizedApp, synthApp } from './app-fixture.ts';

describe('the edge firewall', () => {
  const stack = new Stack(new App(), 'Edge', { env: { region: 'us-east-1' } });
  new EdgeFirewall(stack, 'Firewall');
  const template = Template.fromStack(stack);

  it('is a CloudFront-scoped web ACL that allows by default and blocks per IP above the rate limits', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'RatePerIp',
          Action: { Block: {} },
          Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'IP', Limit: 1000 }) },
        }),
        Match.objectLike({
          Name: 'ApiRatePerIp',
          Statement: {
            RateBasedStatement: Match.objectLike({
              AggregateKeyType: 'IP',
              Limit: 500,
              ScopeDownStatement: {
                ByteMatchStatement: Match.objectLike({
                  SearchString: '/api/',
                  PositionalConstraint: 'STARTS_WITH',
                }),
              },
            }),
          },
        }),
      ]),
    });
  });

  it('runs the AWS managed rule groups after the rate limits, each with its own metric', () => {
    const [acl] = Object.values(template.findResources('AWS::WAFv2::WebACL'));
    const rules = acl!.Properties.Rules as {
      Name: string;
      Priority: number;
      Statement: { ManagedRuleGroupStatement?: { Name: string } };
      VisibilityConfig: { CloudWatchMetricsEnabled: boolean };
    }[];
    const managed = rules.filter((r) => r.Statement.ManagedRuleGroupStatement).map((r) => r.Name);
    expect(managed).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    expect(new Set(rules.map((r) => r.Priority)).size).toBe(rules.length);
    expect(rules.every((r) => r.VisibilityConfig.CloudWatchMetricsEnabled)).toBe(true);
  });
});

describe('the web ACL in front of a deployment', () => {
  const deployment = { region: 'eu-west-1', account: '123456789012' };
  let apps: { aws: SynthesizedApp; china: SynthesizedApp };
  beforeAll(() => {
    apps = {
      aws: synthApp({ context: deployment }),
      china: synthApp({ context: { ...deployment, region: 'cn-northwest-1', partition: 'aws-cn' } }),
    };
  });
  afterAll(() => {
    apps?.aws.dispose();
    apps?.china.dispose();
  });
  const distributionOf = (app: SynthesizedApp) => {
    const console = app.templates[stackName(STACK_IDS.console)]!;
    const [d] = Object.values(console.Resources).filter((r) => r.Type === 'AWS::CloudFront::Distribution');
    return d!.Properties!.DistributionConfig;
  };

  it('lives in its own us-east-1 stack (CloudFront takes web ACLs from there only), deployed with the rest', () => {
    const assembly = apps.aws.app.synth();
    const edge = assembly.getStackByName(stackName(STACK_IDS.edge));
    expect(edge.environment.region).toBe(CLOUDFRONT_WAF_REGION);
    expect(assembly.getStackByName(stackName(STACK_IDS.console)).environment.region).toBe('eu-west-1');
    // `cdk deploy --all` deploys the edge stack first: the console stack depends on it
    expect(assembly.getStackByName(stackName(STACK_IDS.console)).dependencies.map((d) => d.id)).toContain(
      edge.id,
    );
    const acls = Object.values(edge.template.Resources).filter(
      (r) => (r as { Type: string }).Type === 'AWS::WAFv2::WebACL',
    );
    expect(acls).toEqual([
      expect.objectContaining({ Properties: expect.objectContaining({ Scope: 'CLOUDFRONT' }) }),
    ]);
  });

  it("is attached to the console's distribution, which also carries /api/*, by its ARN read across regions", () => {
    const config = distributionOf(apps.aws);
    // the cross-region reader resolves the edge stack's export of the web ACL's ARN
    expect(config.WebACLId).toEqual({
      'Fn::GetAtt': [expect.any(String), expect.stringMatching(/^\/cdk\/exports\/.*WebAcl.*Arn/)],
    });
    const console = Template.fromJSON(apps.aws.templates[stackName(STACK_IDS.console)]!);
    console.resourceCountIs('Custom::CrossRegionExportReader', 1);
    expect(config.CacheBehaviors.map((b: { PathPattern: string }) => b.PathPattern)).toContain('/api/*');
  });

  it('is left out in aws-cn, where AWS WAF is regional only, and the reason is recorded', () => {
    expect(Object.keys(apps.china.templates)).not.toContain(stackName(STACK_IDS.edge));
    expect(distributionOf(apps.china).WebACLId).toBeUndefined();
    const console = apps.china.app.node.findChild(STACK_IDS.console) as ConsoleStack;
    const acknowledged = JSON.stringify(console.hosting.distribution.node.metadata);
    expect(acknowledged).toContain('AwsSolutions-CFR2');
    expect(acknowledged).toContain('regional only in aws-cn');
  });
});
