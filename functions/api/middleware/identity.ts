import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { type User, userSchema } from '../../../schemas/records.ts';
import { issuesToDetails } from '../../core/decisions.ts';
import { DomainError } from '../../core/errors.ts';
import { sharedDeps } from '../../services/deps.ts';
import { enterDirectory } from '../../services/staff.ts';

export type JwtClaims = Record<string, string | number | boolean | string[] | undefined>;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Plain `role`/`jurisdiction` (local tokens) or Cognito's `custom:role`/`custom:jurisdiction` (ID tokens carry
 * custom attributes; access tokens do not), with `name` falling back to the Cognito username.
 */
function parseClaims(claims: JwtClaims) {
  const username = text(claims.username) ?? text(claims['cognito:username']) ?? text(claims.sub);
  return userSchema.safeParse({
    sub: text(claims.sub),
    username,
    name: text(claims.name) ?? username,
    role: text(claims.role) ?? text(claims['custom:role']),
    jurisdiction: text(claims.jurisdiction) ?? text(claims['custom:jurisdiction']),
  });
}

/** The caller from verified JWT claims. Claims that do not make a valid user are a 401, naming the claim. */
export function userFromClaims(claims: JwtClaims | undefined): User {
  if (!claims) throw new DomainError('unauthorized', 'a bearer token is required');
  const parsed = parseClaims(claims);
  if (!parsed.success) {
    throw new DomainError(
      'unauthorized',
      'the token does not identify a user',
      issuesToDetails(parsed.error.issues, ['claims']),
    );
  }
  return parsed.data;
}

const claimsOf = (event: APIGatewayProxyEventV2WithJWTAuthorizer): JwtClaims | undefined =>
  event.requestContext?.authorizer?.jwt?.claims;

/** The caller of an authorized route, from what API Gateway's JWT authorizer verified. */
export const identify = (event: APIGatewayProxyEventV2WithJWTAuthorizer): User =>
  userFromClaims(claimsOf(event));

/**
 * Middleware entering every reviewer who calls the route group in the staff directory, once per process and
 * sub, so colleagues can hand them tasks. It reads the same claims behind Cognito and locally; a request
 * without a valid caller passes untouched, for the router to answer 401.
 */
export function staffDirectory(): MiddlewareObj<APIGatewayProxyEventV2WithJWTAuthorizer> {
  return {
    before: async ({ event }) => {
      const claims = claimsOf(event);
      const parsed = claims && parseClaims(claims);
      if (parsed?.success) await enterDirectory(sharedDeps(), parsed.data);
    },
  };
}
