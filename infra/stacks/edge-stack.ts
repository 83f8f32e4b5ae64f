import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { EdgeFirewall } from '../constructs/edge-firewall.ts';

/** Where a CLOUDFRONT-scoped web ACL must be created in the commercial partition. */
export const CLOUDFRONT_WAF_REGION = 'us-east-1';

/**
 * The console distribution's web ACL, alone in a us-east-1 stack (CloudFront takes only web ACLs created there).
 * The console stack reads its ARN through CDK's cross-region references (an SSM parameter written here, read by
 * a small custom resource there), so `cdk deploy --all` deploys both, in order, with one command.
 */
export class EdgeStack extends Stack {
  readonly firewall: EdgeFirewall;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    this.firewall = new EdgeFirewall(this, 'Firewall');
  }
}
