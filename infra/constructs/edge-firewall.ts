import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface EdgeFirewallProps {
  /** Requests one IP may make in any 5 minutes before it is blocked for a while (default 1,000). */
  ratePerIpPer5Minutes?: number;
  /** Requests one IP may make to `/api/` in any 5 minutes (default 500): the API does the work. */
  apiRatePerIpPer5Minutes?: number;
}

/** AWS managed rule groups, in evaluation order (after the rate limits): known-bad IPs, then request contents. */
const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/**
 * The web ACL in front of the console's CloudFront distribution (and `/api/*` behind it): AWS's managed rule
 * groups and per-IP rate limits. CloudFront-scoped, so its stack deploys in us-east-1 (aws) or cn-northwest-1
 * (aws-cn); the distribution takes `webAclArn`.
 */
export class EdgeFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: EdgeFirewallProps = {}) {
    super(scope, id);
    const managed: wafv2.CfnWebACL.RuleProperty[] = MANAGED_RULE_GROUPS.map((name, i) => ({
      name,
      priority: 2 + i,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: visibility(name),
    }));
    const rate = (
      name: string,
      priority: number,
      limit: number,
      scopeDown?: wafv2.CfnWebACL.StatementProperty,
    ): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          aggregateKeyType: 'IP',
          limit,
          evaluationWindowSec: 300,
          scopeDownStatement: scopeDown,
        },
      },
      visibilityConfig: visibility(name),
    });
    const api: wafv2.CfnWebACL.StatementProperty = {
      byteMatchStatement: {
        fieldToMatch: { uriPath: {} },
        positionalConstraint: 'STARTS_WITH',
        searchString: '/api/',
        textTransformations: [{ priority: 0, type: 'NONE' }],
      },
    };
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      description: 'Assistance approvals console and API: managed rules and per-IP rate limits',
      visibilityConfig: visibility('AssistanceApprovalsEdge'),
      rules: [
        rate('RatePerIp', 0, props.ratePerIpPer5Minutes ?? 1000),
        rate('ApiRatePerIp', 1, props.apiRatePerIpPer5Minutes ?? 500, api),
        ...managed,
      ],
    });
    this.webAclArn = this.webAcl.attrArn;
  }
}
