import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '../../local/runtime.ts';
import { type OidcIssuer, startOidcIssuer } from '../support/oidc-issuer.ts';
import { JOURNEY_USERS, runRemoteJourney } from '../support/remote-journey.ts';
import { client, sharedInfrastructure } from '../support/runtime.ts';

const AUDIENCE = 'assistance-approvals-console';

// The remote API suite (`npm run test:localstack` runs it on a deployed stack) against the local runtime
// trusting an OIDC issuer, as a deployment with `-c identity=oidc` does: its tokens are RS256, from a JWKS.
describe('the remote API suite, on the local runtime behind an OIDC issuer', () => {
  let issuer: OidcIssuer;
  let rt: Runtime;

  beforeAll(async () => {
    issuer = await startOidcIssuer();
    rt = await startRuntime({
      port: 0,
      timeScale: 600,
      startAt: Date.parse('2026-11-02T09:00:00+08:00'),
      oidc: { issuer: issuer.issuer, audience: AUDIENCE },
      ...sharedInfrastructure(),
    });
  }, 120_000);
  afterAll(async () => {
    await rt?.stop();
    await issuer?.close();
  });

  it('files a case, decides it from three inboxes into publicity, and checks trail, chain, scope and report', async () => {
    const lines: string[] = [];
    const result = await runRemoteJourney(
      { url: rt.url, token: (user) => issuer.mint(JOURNEY_USERS[user], AUDIENCE) },
      (line) => lines.push(line),
    );

    expect(lines.filter((l) => !l.startsWith('ok '))).toEqual([]);
    expect(result.checks).toBe(lines.length);
    expect(result.checks).toBeGreaterThanOrEqual(14);
  }, 120_000);

  it('refuses a token for another audience or signed by another key, and has no local sign-in', async () => {
    const other = await startOidcIssuer();
    try {
      const village = JOURNEY_USERS.village;
      const tokens = [
        await issuer.mint(village, 'another-app'),
        // signed by a key the trusted issuer's JWKS does not hold
        await other.mint(village, AUDIENCE),
      ];
      for (const token of tokens) {
        expect((await client(rt.url, token).get('/api/tasks')).status).toBe(401);
      }
      expect((await client(rt.url, await issuer.mint(village, AUDIENCE)).get('/api/tasks')).status).toBe(200);
      // the document describes the local sign-in; behind an issuer it is not there, as on AWS
      const login = await fetch(`${rt.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'village', password: 'demo' }),
      });
      expect(login.status).toBe(404);
    } finally {
      await other.close();
    }
  });
});
