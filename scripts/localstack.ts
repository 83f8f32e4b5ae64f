/**
 * `npm run test:localstack`: deploys the app with cdklocal (npm aws-cdk-local) to a LocalStack the user runs, then
 * checks the deployed API end to end. With no LocalStack reachable it says so in one line and exits 0, claiming
 * nothing. LOCALSTACK_ENDPOINT (default http://localhost:4566) names it.
 */
import { spawnSync } from 'node:child_process';

const endpoint = process.env.LOCALSTACK_ENDPOINT ?? 'http://localhost:4566';

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

// LocalStack's free edition has no Cognito: the API trusts an OIDC issuer given here (any reachable one).
const context = [
  '-c',
  'identity=oidc',
  '-c',
  `oidcIssuer=${process.env.OIDC_ISSUER ?? `${endpoint}/oidc`}`,
  '-c',
  'oidcAudience=console',
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

const { readFileSync } = await import('node:fs');
const outputs = JSON.parse(readFileSync('cdk.out/localstack-outputs.json', 'utf8')) as Record<
  string,
  Record<string, string>
>;
const api = outputs['AssistanceApprovals-Api']?.ApiUrl;
if (!api) throw new Error('the deployed Api stack has no ApiUrl output');
const checks: [string, boolean][] = [];
const health = await fetch(new URL('health', api));
checks.push(['GET /health answers 200', health.status === 200]);
const openapi = await fetch(new URL('openapi.json', api));
checks.push(['GET /openapi.json answers 200', openapi.status === 200]);
const anonymous = await fetch(new URL('api/cases', api));
checks.push(['GET /api/cases without a token answers 401', anonymous.status === 401]);
for (const [name, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
const failed = checks.filter(([, ok]) => !ok).length;
console.log(`${checks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
