import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EdgeFirewall } from '../../infra/constructs/edge-firewall.ts';

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
