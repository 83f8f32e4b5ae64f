import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, Fn, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { ASSET_CACHE_CONTROL, PAGE_CACHE_CONTROL } from '../../web/serving.ts';

/** Paths CloudFront sends to the HTTP API; everything else is the console, from the bucket. */
export const API_PATHS = ['/api/*', '/openapi.json', '/health'] as const;

/**
 * Viewer-request function of the console's behaviour: a path whose last segment has no file extension is a
 * client-side route (`/cases/abc`) and gets `index.html`. It never sees `/api/*`, so an API 404 stays a 404
 * (error-response mapping would turn every origin 404, API ones included, into the page).
 */
export const SPA_FALLBACK_CODE = `function handler(event) {
  var request = event.request;
  var last = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

/**
 * The console's index.html for a host that cannot give every client-side route index.html (CloudFront in the
 * China regions has no CloudFront Functions, and error-response mapping would turn the API's 403s and 404s into
 * the page): the console then keeps its routes after `#` (`/#/cases/abc`), so a reload or a shared link only ever
 * asks for `/`. The console reads the setting in web/src/routing.ts.
 */
export const withHashRouting = (html: string): string =>
  html.replace('</head>', '  <meta name="console-routing" content="hash" />\n  </head>');

/** The console's Content-Security-Policy: its own scripts only, Ant Design's inline styles, nothing framed. */
export function consoleCsp(connectSources: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Ant Design injects its CSS-in-JS as <style> elements
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    ["connect-src 'self'", ...connectSources].join(' '),
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export interface ConsoleHostingProps {
  /** The HTTP API that answers API_PATHS on the console's origin (so the browser needs no CORS). */
  api: apigw.IHttpApi;
  /** The built console (`web/dist`): uploaded when it holds an `index.html`; left out, nothing is uploaded. */
  siteDir?: string;
  /** Origins the console calls besides its own (e.g. the identity provider's endpoint), for `connect-src`. */
  connectSources?: readonly string[];
  /** A WAF web ACL (CLOUDFRONT scope, its ARN) in front of the distribution, `/api/*` included. */
  webAclArn?: string;
  /** Why there is no web ACL, when there is none (recorded as the cdk-nag CFR2 acknowledgement). */
  noWebAclReason?: string;
  /**
   * CloudFront as the China regions offer it: no origin access control and no CloudFront Functions (cfn-lint E3006
   * in cn-northwest-1). The bucket is then read through an origin access identity, and the console is deployed
   * with hash routing (withHashRouting), since no viewer-request function can rewrite client-side routes.
   */
  chinaCloudFront?: boolean;
}

/**
 * The web console on AWS: a private, encrypted bucket read by CloudFront through origin access control, and one
 * distribution that also routes the API paths to the HTTP API, with security headers on every answer.
 */
export class ConsoleHosting extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);

    const logs = new s3.Bucket(this, 'Logs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket of the console bucket and distribution; it does not log itself.',
    });

    this.bucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'site/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Assistance approvals console: security headers',
      securityHeadersBehavior: {
        // An origin's own policy is kept: the publicity notice sends a stricter one (default-src 'none').
        contentSecurityPolicy: { contentSecurityPolicy: consoleCsp(props.connectSources), override: false },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    const spaFallback = props.chinaCloudFront
      ? undefined
      : new cloudfront.Function(this, 'SpaFallback', {
          comment: 'Client-side routes of the console get index.html',
          runtime: cloudfront.FunctionRuntime.JS_2_0,
          code: cloudfront.FunctionCode.fromInline(SPA_FALLBACK_CODE),
        });

    // https://{apiId}.execute-api.{region}.amazonaws.com → its host name
    const apiDomain = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: new origins.HttpOrigin(apiDomain, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      // Answers are per user: never cached; every header but Host (API Gateway's own) reaches the API.
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: headers,
    };

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Assistance approvals console and API',
      defaultRootObject: 'index.html',
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      webAclId: props.webAclArn,
      defaultBehavior: {
        origin: props.chinaCloudFront
          ? origins.S3BucketOrigin.withOriginAccessIdentity(this.bucket)
          : origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: spaFallback
          ? [{ function: spaFallback, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }]
          : undefined,
      },
      additionalBehaviors: Object.fromEntries(API_PATHS.map((path) => [path, apiBehavior])),
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'The console serves county staff and households wherever they are; no country is excluded.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default CloudFront certificate negotiates TLS 1.2+ with viewers; a county domain and its ACM ' +
          'certificate are set at deployment.',
      },
      ...(props.chinaCloudFront
        ? [
            {
              id: 'AwsSolutions-CFR7',
              reason:
                'CloudFront in the China regions has no origin access control: an origin access identity reads the bucket.',
            },
          ]
        : []),
      ...(props.webAclArn
        ? []
        : [{ id: 'AwsSolutions-CFR2', reason: props.noWebAclReason ?? 'No web ACL was given.' }]),
    );

    const index = props.siteDir && join(props.siteDir, 'index.html');
    if (props.siteDir && index && existsSync(index)) {
      // The build's files are named by their content hash: each is cached for good, and none is removed, so a tab
      // still on the last build can load its chunks. They go first; the index.html that names them goes after.
      const hashed = new s3deploy.BucketDeployment(this, 'DeployAssets', {
        sources: [s3deploy.Source.asset(props.siteDir, { exclude: ['index.html', '.source-hash'] })],
        destinationBucket: this.bucket,
        cacheControl: [s3deploy.CacheControl.fromString(ASSET_CACHE_CONTROL)],
        prune: false,
      });
      const html = readFileSync(index, 'utf8');
      const page = new s3deploy.BucketDeployment(this, 'Deploy', {
        sources: [s3deploy.Source.data('index.html', props.chinaCloudFront ? withHashRouting(html) : html)],
        destinationBucket: this.bucket,
        cacheControl: [s3deploy.CacheControl.fromString(PAGE_CACHE_CONTROL)],
        prune: false,
        distribution: this.distribution,
        distributionPaths: ['/*'],
      });
      page.node.addDependency(hashed);
      // The upload runs in CDK's singleton provider function, created beside this construct in the stack;
      // cdk-nag names each wildcard it finds there, so each is acknowledged by its own id.
      const stack = Stack.of(this);
      const provider = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
      const inTemplate = (value: string, pseudo: string) =>
        Token.isUnresolved(value) ? `<${pseudo}>` : value;
      const assets = `cdk-hnb659fds-assets-${inTemplate(stack.account, 'AWS::AccountId')}-${inTemplate(stack.region, 'AWS::Region')}`;
      const site = stack.resolve(stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket));
      const wildcards = [
        ...['GetObject*', 'GetBucket*', 'List*', 'DeleteObject*', 'Abort*'].map((a) => `Action::s3:${a}`),
        `Resource::arn:<AWS::Partition>:s3:::${assets}/*`,
        `Resource::<${site}.Arn>/*`,
        'Resource::*',
      ];
      if (provider) {
        Validations.of(provider).acknowledge(
          {
            id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
            reason: 'CDK BucketDeployment provider: the AWS-managed Lambda logging policy.',
          },
          ...wildcards.map((w) => ({
            id: `AwsSolutions-IAM5[${w}]`,
            reason:
              "CDK BucketDeployment provider: reads CDK's staged assets, replaces every object of the bucket.",
          })),
          { id: 'AwsSolutions-L1', reason: 'CDK BucketDeployment provider: its runtime is chosen by CDK.' },
        );
      }
    }
  }

  /** `https://…cloudfront.net`: the console, the API (`/api`) and the OpenAPI document on one origin. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}
