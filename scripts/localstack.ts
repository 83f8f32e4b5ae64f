/**
 * `npm run test:localstack`: deploys the app with cdklocal (npm aws-cdk-local) to a LocalStack the user runs, then
 * runs the remote API suite (test/support/remote-journey.ts) against the deployed API. With no LocalStack
 * reachable it says so in one line and exits 0, claiming nothing.
 * - LOCALSTACK_ENDPOINT (default http://localhost:4566) names it;
 * - the API trusts a stand-in OIDC issuer this script runs on OIDC_PORT (default 4599), which LocalStack's
 *   containers reach at OIDC_PUBLIC_URL (default http://host.docker.internal:<port>).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startOidcIssuer } from '../test/support/oidc-issuer.ts';
import { JOURNEY_USERS, runRemoteJourney } from '../test/support/remote-journey.ts';

const endpoint = process.env.LOCALSTACK_ENDPOINT ?? 'http://localhost:4566';
const AUDIENCE = 'assistance-approvals-console';

async function reachable(): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/_localstack/health`, { signal: AbortSignal.timeout(3000) });
    return res.ok;
  } catch {
    return false;
  }
}

function cdklocal(args: string[]) {
  const run = spawnSync('npx', ['cdklocal', ...args], {
    stdio: 'inherit',
    env: {
      ...process.env,
      AWS_ENDPOINT_URL: endpoint,
      AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    },
  });
  if (run.status !== 0) throw new Error(`cdklocal ${args.join(' ')} exited with ${run.status}`);
}

if (!(await reachable())) {
  console.log(`LocalStack is not reachable at ${endpoint}: nothing deployed, nothing tested (not a pass).`);
  process.exit(0);
}

const port = Number(process.env.OIDC_PORT ?? 4599);
const issuer = await startOidcIssuer({
  host: '0.0.0.0',
  port,
  publicUrl: process.env.OIDC_PUBLIC_URL ?? `http://host.docker.internal:${port}`,
});
try {
  // LocalStack's free edition has no Cognito: the API trusts the issuer started above.
  const context = [
    '-c',
    'identity=oidc',
    '-c',
    `oidcIssuer=${issuer.issuer}`,
    '-c',
    `oidcAudience=${AUDIENCE}`,
  ];
  cdklocal(['bootstrap', ...context]);
  cdklocal([
    'deploy',
    '--all',
    '--require-approval',
    'never',
    '--outputs-file',
    'cdk.out/localstack-outputs.json',
    ...context,
  ]);
  const outputs = JSON.parse(readFileSync('cdk.out/localstack-outputs.json', 'utf8')) as Record<
    string,
    Record<string, string>
  >;
  const url = outputs['AssistanceApprovals-Api']?.ApiUrl;
  if (!url) throw new Error('the deployed Api stack has no ApiUrl output');
  const { checks, caseId } = await runRemoteJourney({
    url,
    token: (user) => issuer.mint(JOURNEY_USERS[user], AUDIENCE),
    patienceMs: 120_000,
  });
  console.log(`${checks} checks passed against ${url} (case ${caseId})`);
} catch (e) {
  console.error((e as Error).message);
  process.exitCode = 1;
} finally {
  await issuer.close();
}
