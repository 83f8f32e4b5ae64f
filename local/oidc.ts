import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import { z } from 'zod';
import { DomainError } from '../functions/core/errors.ts';
import type { LocalAuth } from './auth.ts';

/** The identity provider a deployment with `-c identity=oidc` trusts: its issuer URL and the audience it expects. */
export interface OidcSettings {
  issuer: string;
  audience: string;
}

const discoverySchema = z.object({ issuer: z.string(), jwks_uri: z.url() });

/**
 * Verifies bearer tokens of an external OIDC issuer the way API Gateway's JWT authorizer does: the signing key
 * from the issuer's discovered JWKS (RSA algorithms only), `iss` exactly the issuer, `aud` (or `client_id`) the
 * audience, an `exp` in the future. The local runtime then serves the API behind the same kind of identity as
 * a China-region deployment (a provincial identity platform, Keycloak); tokens come from the issuer, so there is
 * no local sign-in and no demo user.
 */
export function createOidcAuth(settings: OidcSettings): LocalAuth {
  let keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const jwks = () => {
    keys ??= discover(settings.issuer).catch((e) => {
      keys = undefined; // a provider down at the first request is tried again at the next
      throw e;
    });
    return keys;
  };
  return {
    users: [],
    async login() {
      throw new DomainError('not_found', 'no sign-in here: the identity provider issues the tokens');
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, await jwks(), {
          issuer: settings.issuer,
          algorithms: ['RS256', 'RS384', 'RS512'],
          requiredClaims: ['exp', 'sub'],
        });
        return hasAudience(payload, settings.audience) ? payload : null;
      } catch {
        return null;
      }
    },
  };
}

/** API Gateway accepts an access token naming the audience as `client_id` as well as an ID token's `aud`. */
function hasAudience(payload: JWTPayload, audience: string): boolean {
  const aud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  return aud.includes(audience) || payload.client_id === audience;
}

async function discover(issuer: string): Promise<ReturnType<typeof createRemoteJWKSet>> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  const doc = discoverySchema.parse(await res.json());
  if (doc.issuer !== issuer) throw new Error(`${url} names the issuer ${doc.issuer}, not ${issuer}`);
  return createRemoteJWKSet(new URL(doc.jwks_uri));
}
