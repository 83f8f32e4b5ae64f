import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { type User, userSchema } from '../../../schemas/records.ts';
import { issuesToDetails } from '../../core/decisions.ts';
import { DomainError } from '../../core/errors.ts';

export type JwtClaims = Record<string, string | number | boolean | string[] | undefined>;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The caller from verified JWT claims. Accepts plain `role`/`jurisdiction` (local tokens) or Cognito's
 * `custom:role`/`custom:jurisdiction` (ID tokens carry custom attributes; access tokens do not), with `name`
 * falling back to the Cognito username. Claims that do not make a valid user are a 401, naming the claim.
 */
export function userFromClaims(claims: JwtClaims | undefined): User {
  if (!claims) throw new DomainError('unauthorized', 'a bearer token is required');
  const username = text(claims.username) ?? text(claims['cognito:username']) ?? text(claims.sub);
  const parsed = userSchema.safeParse({
    sub: text(claims.sub),
    username,
    name: text(claims.name) ?? username,
    role: text(claims.role) ?? text(claims['custom:role']),
    jurisdiction: text(claims.jurisdiction) ?? text(claims['custom:jurisdiction']),
  });
  if (!parsed.success) {
    throw new DomainError(
      'unauthorized',
      'the token does not identify a user',
      issuesToDetails(parsed.error.issues, ['claims']),
    );
  }
  return parsed.data;
}

/** The caller of an authorized route, from what API Gateway's JWT authorizer verified. */
export const identify = (event: APIGatewayProxyEventV2WithJWTAuthorizer): User =>
  userFromClaims(event.requestContext?.authorizer?.jwt?.claims);
