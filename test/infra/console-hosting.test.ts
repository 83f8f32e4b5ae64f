import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATHS, ConsoleHosting, SPA_FALLBACK_CODE } from '../../infra/constructs/console-hosting.ts';

/** CloudFront's managed policies, by their fixed ids. */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const ALL_VIEWER_EXCEPT_HOST = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

function hostingStack(siteDir?: string, opts: { chinaCloudFront?: boolean } = {}) {
  const app = new App();
  const stack = new Stack(app, 'Hosting', { env: { account: '123456789012', region: 'eu-west-1' } });
  const api = new apigw.HttpApi(stack, 'Api');
  // the API stack's own HTTP API logs its access; this stand-in is only an origin
  Validations.of(api).acknowledge({ id: 'AwsSolutions-APIG1', reason: 'a test stand-in for the API stack' });
  const hosting = new ConsoleHosting(stack, 'Console', {
    api,
    siteDir,
    connectSources: ['https://cognito-idp.eu-west-1.amazonaws.com'],
    chinaCloudFront: opts.chinaCloudFront,
  });
  return { app, stack, api, hosting, template: Template.fromStack(stack) };
}

let built: ReturnType<typeof hostingStack>;
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON
let config: any;
const siteDir = mkdtempSync(join(tmpdir(), 'console-dist-'));

beforeAll(() => {
  built = hostingStack();
  config = Object.values(built.template.findResources('AWS::CloudFront::Distribution'))[0]!.Properties
    .DistributionConfig;
});
afterAll(() => rmSync(siteDir, { recursive: true, force: true }));

const originOf = (id: string) => config.Origins.find((o: { Id: string }) => o.Id === id);
const behaviorOf = (pattern: string) =>
  config.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === pattern);

describe('the console bucket', () => {
  it('is private and encrypted, refuses plain HTTP, and is read only by this distribution', () => {
    const site = built.stack.getLogicalId(built.hosting.bucket.node.defaultChild as never);
    built.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
    expect(
      built.template.findResources('AWS::S3::Bucket')[site]!.Properties.WebsiteConfiguration,
    ).toBeUndefined();

    const policy = Object.values(built.template.findResources('AWS::S3::BucketPolicy')).find(
      (p) => p.Properties.Bucket.Ref === site,
    )!;
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const allows = statements.filter((s: { Effect: string }) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
      }),
    ]);
  });
});

describe('the distribution', () => {
  it('reads the bucket through origin access control (SigV4, always signed), no origin access identity', () => {
    built.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: {
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      },
    });
    const s3Origin = originOf(config.DefaultCacheBehavior.TargetOriginId);
    expect(s3Origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Id'] });
    expect(s3Origin.S3OriginConfig.OriginAccessIdentity).toBe('');
    expect(built.template.findResources('AWS::CloudFront::CloudFrontOriginAccessIdentity')).toEqual({});
  });

  it.each(API_PATHS)(
    'sends %s to the HTTP API over HTTPS, uncached, with every viewer header but Host',
    (path) => {
      const b = behaviorOf(path);
      const origin = originOf(b.TargetOriginId);
      const apiId = built.stack.getLogicalId(built.api.node.defaultChild as never);

      expect(origin.DomainName).toEqual({
        'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [apiId, 'ApiEndpoint'] }] }],
      });
      expect(origin.CustomOriginConfig).toMatchObject({
        OriginProtocolPolicy: 'https-only',
        OriginSSLProtocols: ['TLSv1.2'],
      });
      expect(b).toMatchObject({
        CachePolicyId: CACHING_DISABLED,
        OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST,
        ViewerProtocolPolicy: 'https-only',
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      });
      expect(b.FunctionAssociations).toBeUndefined();
    },
  );

  it('serves everything else from the bucket, cached, with the SPA fallback on viewer requests', () => {
    expect(config.CacheBehaviors.map((b: { PathPattern: string }) => b.PathPattern).sort()).toEqual(
      [...API_PATHS].sort(),
    );
    expect(config.DefaultCacheBehavior).toMatchObject({
      CachePolicyId: CACHING_OPTIMIZED,
      ViewerProtocolPolicy: 'redirect-to-https',
      FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: expect.anything() }],
    });
    built.template.hasResourceProperties('AWS::CloudFront::Function', {
      FunctionCode: SPA_FALLBACK_CODE,
      FunctionConfig: Match.objectLike({ Runtime: 'cloudfront-js-2.0' }),
    });
    // no error-response mapping: an API 404 must reach the client as a 404
    expect(config.CustomErrorResponses).toBeUndefined();
    expect(config.DefaultRootObject).toBe('index.html');
  });

  it('puts the security headers on every behaviour: CSP with frame-ancestors none, HSTS, DENY, nosniff', () => {
    const [policyId, policy] = Object.entries(
      built.template.findResources('AWS::CloudFront::ResponseHeadersPolicy'),
    )[0]!;
    const security = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;

    expect(security.ContentSecurityPolicy.ContentSecurityPolicy).toContain("frame-ancestors 'none'");
    expect(security.ContentSecurityPolicy.ContentSecurityPolicy).toContain("default-src 'self'");
    expect(security.ContentSecurityPolicy.ContentSecurityPolicy).toContain(
      "connect-src 'self' https://cognito-idp.eu-west-1.amazonaws.com",
    );
    expect(security.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 730 * 86400,
      IncludeSubdomains: true,
      Override: true,
    });
    expect(security.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(security.ContentTypeOptions).toEqual({ Override: true });
    for (const b of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) {
      expect(b.ResponseHeadersPolicyId, b.PathPattern ?? 'default').toEqual({ Ref: policyId });
    }
  });

  it('logs every request to the log bucket', () => {
    expect(config.Logging).toMatchObject({
      Bucket: { 'Fn::GetAtt': [expect.any(String), 'RegionalDomainName'] },
    });
    expect(config.Logging.Prefix).toBe('cloudfront/');
  });
});

describe('the SPA fallback function', () => {
  const run = (uri: string) =>
    (new Function(`${SPA_FALLBACK_CODE}; return handler;`)() as (e: unknown) => { uri: string })({
      request: { uri },
    }).uri;

  it('answers client-side routes with index.html and leaves files alone', () => {
    expect(run('/')).toBe('/index.html');
    expect(run('/cases/c-123')).toBe('/index.html');
    expect(run('/inbox')).toBe('/index.html');
    expect(run('/assets/index-3f2a.js')).toBe('/assets/index-3f2a.js');
    expect(run('/favicon.ico')).toBe('/favicon.ico');
  });
});

describe('the console upload', () => {
  it('deploys the built console and invalidates the distribution when web/dist has an index.html', () => {
    writeFileSync(join(siteDir, 'index.html'), '<!doctype html><title>控制台</title>');

    const { template } = hostingStack(siteDir);

    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DistributionPaths: ['/*'],
      DestinationBucketName: { Ref: Match.anyValue() },
    });
  });

  it('uploads the hashed assets to be kept for good, then the page to be revalidated, and removes no old asset', () => {
    writeFileSync(join(siteDir, 'index.html'), '<!doctype html><title>控制台</title>');

    const { template } = hostingStack(siteDir);
    const uploads = template.findResources('Custom::CDKBucketDeployment');
    const [assetsId, assets] = Object.entries(uploads).find(([id]) => id.includes('DeployAssets'))!;
    const [, page] = Object.entries(uploads).find(([id]) => !id.includes('DeployAssets'))!;

    expect(Object.keys(uploads)).toHaveLength(2);
    expect(assets.Properties).toMatchObject({
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
      Prune: false,
    });
    expect(assets.Properties.DistributionPaths).toBeUndefined();
    expect(page.Properties).toMatchObject({
      SystemMetadata: { 'cache-control': 'no-cache' },
      Prune: false,
      DistributionPaths: ['/*'],
    });
    // the page names the assets: it is uploaded once they are there
    expect(page.DependsOn).toContain(assetsId);
  });

  it('uploads, where CloudFront has no functions (China), the index.html with hash routing over the build', () => {
    writeFileSync(
      join(siteDir, 'index.html'),
      '<!doctype html><html><head><title>控制台</title></head></html>',
    );

    const { app, template } = hostingStack(siteDir, { chinaCloudFront: true });

    expect(Object.keys(template.findResources('Custom::CDKBucketDeployment'))).toHaveLength(2);
    expect(template.findResources('AWS::CloudFront::Function')).toEqual({});
    const staged = readdirSync(app.outdir)
      .map((d) => join(app.outdir, d, 'index.html'))
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f, 'utf8'));
    expect(staged).toEqual([
      '<!doctype html><html><head><title>控制台</title>  <meta name="console-routing" content="hash" />\n  </head></html>',
    ]);
  });

  it('uploads nothing when there is no built console', () => {
    expect(built.template.findResources('Custom::CDKBucketDeployment')).toEqual({});
    expect(
      hostingStack(join(siteDir, 'missing')).template.findResources('Custom::CDKBucketDeployment'),
    ).toEqual({});
  });

  it('leaves no cdk-nag AwsSolutions finding unacknowledged, upload included', () => {
    const withUpload = hostingStack(siteDir);
    const report = new AwsSolutionsChecks().validateScope(withUpload.app);

    expect(
      report.violations.map(
        (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
  });
});
