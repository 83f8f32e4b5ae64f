import type { IConstruct } from 'constructs';

/** AWS partitions this app deploys to, and what differs between them. */
export const PARTITIONS = {
  aws: { cognito: true, xray: true, cloudFrontWaf: true, chinaCloudFront: false },
  // China regions (cn-north-1, cn-northwest-1): no Cognito user pools; X-Ray is offered in both; AWS WAF is
  // regional only there (no CLOUDFRONT-scoped web ACL for CloudFront in China).
  // CloudFront there has no origin access control and no CloudFront Functions.
  'aws-cn': { cognito: false, xray: true, cloudFrontWaf: false, chinaCloudFront: true },
} as const;
export type Partition = keyof typeof PARTITIONS;

/** Who signs the staff's and applicants' tokens the HTTP API trusts. */
export type Identity = 'cognito' | 'oidc';

/** The deployment's choices, from CDK context (`-c partition=aws-cn`, `-c identity=oidc` …). */
export interface Settings {
  partition: Partition;
  identity: Identity;
  /** OIDC issuer URL (a provincial identity platform, Keycloak realm); a deploy parameter when unset. */
  oidcIssuer?: string;
  /** OIDC audience (the console's client id at the issuer); a deploy parameter when unset. */
  oidcAudience?: string;
  /** X-Ray tracing of functions and state machines (where the partition has it). */
  tracing: boolean;
  /**
   * The region and account deployed to (`-c region=… -c account=…`, else the CLI's CDK_DEFAULT_REGION /
   * CDK_DEFAULT_ACCOUNT). Unknown in the tests' and the local runtime's synth, whose stacks stay
   * environment-agnostic; a deployment knows its region, which cross-region references (the console's web ACL)
   * need.
   */
  region?: string;
  account?: string;
  /**
   * The 6-digit county codes the deployment serves (`-c counties=611002,611003`): the timing-samples job stores
   * their reports' samples. Default: the demo county (611002) for a synth without a region (tests, the local
   * runtime); none for a deployment, which names its own.
   */
  counties: string[];
}

/** The local runtime's and the tests' county: the demo users' (local/auth.ts). */
const DEMO_COUNTY = '611002';

const text = (scope: IConstruct, key: string): string | undefined => {
  const v = scope.node.tryGetContext(key);
  return v === undefined || v === '' ? undefined : String(v);
};

/**
 * Reads and checks the settings (context is inherited, so any construct of the app reads the same): a choice the
 * partition cannot honour fails the synth, naming the key.
 */
export function settingsOf(app: IConstruct): Settings {
  const partition = (text(app, 'partition') ?? 'aws') as Partition;
  if (!(partition in PARTITIONS)) {
    throw new Error(`context partition=${partition}: expected one of ${Object.keys(PARTITIONS).join(', ')}`);
  }
  const features = PARTITIONS[partition];
  const identity = (text(app, 'identity') ?? (features.cognito ? 'cognito' : 'oidc')) as Identity;
  if (identity !== 'cognito' && identity !== 'oidc') {
    throw new Error(`context identity=${identity}: expected cognito or oidc`);
  }
  if (identity === 'cognito' && !features.cognito) {
    throw new Error(`context identity=cognito: ${partition} has no Cognito user pools; use identity=oidc`);
  }
  const tracing = features.xray && text(app, 'tracing') !== 'false';
  const region = text(app, 'region') ?? process.env.CDK_DEFAULT_REGION;
  return {
    partition,
    identity,
    oidcIssuer: text(app, 'oidcIssuer'),
    oidcAudience: text(app, 'oidcAudience'),
    tracing,
    region,
    account: text(app, 'account') ?? process.env.CDK_DEFAULT_ACCOUNT,
    counties: countiesOf(text(app, 'counties'), region),
  };
}

/** `counties` as a list of county codes (comma-separated), checked; the demo county when unset and no region. */
function countiesOf(value: string | undefined, region: string | undefined): string[] {
  if (value === undefined) return region ? [] : [DEMO_COUNTY];
  const counties = value.split(',').map((c) => c.trim());
  const bad = counties.filter((c) => !/^\d{6}$/.test(c));
  if (bad.length)
    throw new Error(`context counties=${value}: ${bad.join(', ')} is not a 6-digit county code`);
  return counties;
}
