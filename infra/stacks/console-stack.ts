import { Aws, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type { Construct } from 'constructs';
import { ConsoleHosting } from '../constructs/console-hosting.ts';

export interface ConsoleStackProps extends StackProps {
  api: apigw.IHttpApi;
  /** The built console to upload (`web/dist`); unset when the app is synthesized for tests or the local runtime. */
  siteDir?: string;
  /** The edge web ACL's ARN (from the us-east-1 edge stack); unset where none can be attached. */
  webAclArn?: string;
  /** Why there is no web ACL, when there is none. */
  noWebAclReason?: string;
  /** CloudFront as the China regions offer it (see ConsoleHosting). */
  chinaCloudFront?: boolean;
}

/** The web console: S3 + CloudFront, the API on the same origin. */
export class ConsoleStack extends Stack {
  readonly hosting: ConsoleHosting;

  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, props);
    this.hosting = new ConsoleHosting(this, 'Console', {
      api: props.api,
      siteDir: props.siteDir,
      webAclArn: props.webAclArn,
      noWebAclReason: props.noWebAclReason,
      chinaCloudFront: props.chinaCloudFront,
      // The console signs in against Cognito's endpoint (SRP) from the browser.
      connectSources: [`https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}`],
    });
    new CfnOutput(this, 'ConsoleUrl', { value: this.hosting.url });
  }
}
