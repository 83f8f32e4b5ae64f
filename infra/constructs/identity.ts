import { CfnOutput, CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { Settings } from '../settings.ts';

export interface IdentityProps {
  settings: Pick<Settings, 'identity' | 'oidcIssuer' | 'oidcAudience'>;
}

/**
 * Who the HTTP API trusts: a Cognito user pool (commercial regions) or any OIDC issuer and audience (China
 * regions have no user pools: a provincial identity platform, Keycloak). Either way the tokens carry `role`,
 * `jurisdiction` and `name`, which decide access and name the actor in the audit trail, so only administrators
 * set them, and every sign-in needs a second factor.
 */
export class Identity extends Construct {
  readonly authorizer: HttpJwtAuthorizer;
  /** The Cognito user pool, when identity is cognito. */
  readonly userPool?: cognito.UserPool;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    if (props.settings.identity === 'oidc') {
      const param = (name: string, description: string, value?: string) =>
        value ??
        new CfnParameter(Stack.of(this), name, { type: 'String', minLength: 1, description }).valueAsString;
      const issuer = param(
        'OidcIssuer',
        'OIDC issuer URL whose tokens the API trusts (https, as in the tokens’ iss claim)',
        props.settings.oidcIssuer,
      );
      const audience = param(
        'OidcAudience',
        'OIDC audience (the console’s client id)',
        props.settings.oidcAudience,
      );
      this.authorizer = new HttpJwtAuthorizer('Oidc', issuer, { jwtAudience: [audience] });
      return;
    }
    const pool = new cognito.UserPool(this, 'Users', {
      // County IT creates every account; role and jurisdiction are what access control decides on.
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      signInCaseSensitive: false,
      // Users may change nothing about themselves: `name` is the actor named in the audit trail.
      standardAttributes: { fullname: { required: true, mutable: true } },
      customAttributes: {
        role: new cognito.StringAttribute({ minLen: 5, maxLen: 32, mutable: true }),
        jurisdiction: new cognito.StringAttribute({ minLen: 6, maxLen: 12, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Every account reads or decides on households' personal data: a TOTP second factor at every sign-in.
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      // Threat protection (the former "advanced security"): adaptive authentication on risky sign-ins.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      accountRecovery: cognito.AccountRecovery.NONE,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const client = pool.addClient('Console', {
      authFlows: { userSrp: true },
      disableOAuth: true,
      generateSecret: false,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ fullname: true })
        .withCustomAttributes('role', 'jurisdiction'),
      // Nothing is writable through the client: role, jurisdiction and name are set by administrators
      // (AdminUpdateUserAttributes), never by the user with their own token.
      writeAttributes: new cognito.ClientAttributes(),
    });
    this.userPool = pool;
    this.authorizer = new HttpJwtAuthorizer('Cognito', pool.userPoolProviderUrl, {
      jwtAudience: [client.userPoolClientId],
    });
    new CfnOutput(Stack.of(this), 'UserPoolId', { value: pool.userPoolId });
    new CfnOutput(Stack.of(this), 'UserPoolClientId', { value: client.userPoolClientId });
  }
}
