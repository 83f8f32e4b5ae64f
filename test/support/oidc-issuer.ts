/**
 * A stand-in OIDC issuer for the remote API suite: it publishes its discovery document and JWKS over HTTP and
 * mints RS256 tokens carrying the claims a county's identity provider would (sub, name, role, jurisdiction).
 * It is what the deployment under test trusts (`-c identity=oidc -c oidcIssuer=<url>`), never an identity
 * provider: it signs whatever it is asked to.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { User } from '../../schemas/records.ts';

export interface OidcIssuer {
  /** the `iss` of its tokens, which is also where its discovery document is */
  issuer: string;
  /** A token for `user`, valid for an hour, for `audience`. */
  mint(user: Omit<User, 'username'> & { username?: string }, audience: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts the issuer on `host:port` (default 127.0.0.1, a free port). `publicUrl` is the issuer URL as the
 * verifier reaches it (a LocalStack container reaches the host as e.g. http://host.docker.internal:<port>);
 * default `http://<host>:<port>`.
 */
export async function startOidcIssuer(opts: { host?: string; port?: number; publicUrl?: string } = {}) {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = randomUUID();
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] };
  let issuer = '';
  const server = createServer((req, res) => {
    const body =
      req.url === '/.well-known/openid-configuration'
        ? { issuer, jwks_uri: `${issuer}/jwks.json`, id_token_signing_alg_values_supported: ['RS256'] }
        : req.url === '/jwks.json'
          ? jwks
          : undefined;
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { message: 'not found' }));
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  issuer = opts.publicUrl ?? `http://${host}:${port}`;
  const issuerOf: OidcIssuer = {
    issuer,
    mint: (user, audience) =>
      new SignJWT({
        name: user.name,
        role: user.role,
        jurisdiction: user.jurisdiction,
        ...(user.username ? { username: user.username } : {}),
      })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setSubject(user.sub)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
  return issuerOf;
}
