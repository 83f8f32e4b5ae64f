/**
 * Deploy rehearsal without AWS: the app is synthesized once as `cdk synth` does it (esbuild bundles, cdk-nag;
 * cfn-lint checks the resource schemas), every template passes cfn-lint, and every Lambda bundle is loaded by the local runtime in
 * place of its handler module and serves real requests against DynamoDB Local, so a bundling or ESM/CJS break, or a
 * template CloudFormation would refuse, fails here instead of in a county's deploy.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_LOG_ENV } from '../../functions/commons/command-log.ts';
import { buildApp } from '../../infra/build-app.ts';
import { repoPath } from '../../infra/paths.ts';
import type { Runtime } from '../../local/runtime.ts';
import { startRuntime } from '../../local/runtime.ts';
import type { CfnTemplate } from '../../local/template.ts';
import { validHousehold } from '../support/fixtures.ts';
import { loginAll } from '../support/runtime.ts';
import {
  type Actors,
  approveThrough,
  caseOf,
  file,
  REVIEW_STAGES,
  statusReached,
} from '../support/scenario.ts';

const outdir = mkdtempSync(join(tmpdir(), 'rehearsal-'));
let assembly: CloudAssembly;
/** logical id → the bundle synth built for it */
const bundles = new Map<string, string>();
/** the functions whose module the runtime loaded */
const loaded = new Set<string>();
/** cfn-lint's errors (warnings are CDK's own dependency notes) by region linted */
const lintErrors: Record<string, string[]> = {};
let rt: Runtime;
let a: Actors & { auditor: Actors['county']; admin: Actors['county'] };

beforeAll(async () => {
  // as deployed: bundled, cdk-nag (cfn-lint checks the resource schemas, so CDK's own check is left out)
  assembly = buildApp({ bundling: true, outdir, schemaValidation: false }).synth();
  for (const stack of assembly.stacks) {
    for (const [logicalId, res] of Object.entries((stack.template as CfnTemplate).Resources)) {
      if (res.Type !== 'AWS::Lambda::Function' || !res.Metadata?.['app:entry']) continue;
      const key = String(res.Properties?.Code?.S3Key ?? '').replace(/\.zip$/, '');
      bundles.set(logicalId, join(outdir, `asset.${key}`, 'index.mjs'));
    }
  }
  // Synthesis and cfn-lint hold the event loop: both before the runtime starts serving.
  const version = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  if (version.status !== 0)
    throw new Error('cfn-lint (pip, preinstalled on the development machines) must be on PATH');
  const china = join(outdir, 'china');
  buildApp({ outdir: china, context: { partition: 'aws-cn' } }).synth();
  lintErrors['us-east-1'] = lint(outdir, 'us-east-1');
  lintErrors['cn-northwest-1'] = lint(china, 'cn-northwest-1');
  // Lambda's Node.js runtime provides the AWS SDK, which the bundles leave out: so does this harness
  mkdirSync(join(outdir, 'node_modules'));
  symlinkSync(repoPath('node_modules/@aws-sdk'), join(outdir, 'node_modules/@aws-sdk'), 'dir');
  // the bundles' own SDK clients would record commands under no handler; the IAM test reads the rest of the suite
  delete process.env[COMMAND_LOG_ENV];
  rt = await startRuntime({
    port: 0,
    timeScale: 60_000,
    startAt: Date.parse('2026-11-02T09:00:00+08:00'),
    moduleOf: (logicalId) => {
      loaded.add(logicalId);
      const bundle = bundles.get(logicalId);
      if (!bundle) throw new Error(`no bundle for ${logicalId}`);
      return bundle;
    },
  });
  a = await loginAll(rt.url, ['applicant', 'village', 'township', 'county', 'auditor', 'admin']);
}, 600_000);
afterAll(async () => {
  await rt?.stop();
  rmSync(outdir, { recursive: true, force: true });
});

describe('cdk synth, as deployed', () => {
  it('bundles every function of the app as one ESM file', () => {
    const functions = rt.app.functions.map((f) => f.logicalId).sort();
    expect([...bundles.keys()].sort()).toEqual(functions);
  });

  it('writes templates cfn-lint finds no error in (commercial and China partitions)', () => {
    expect(lintErrors).toEqual({ 'us-east-1': [], 'cn-northwest-1': [] });
  });
});

describe('every bundle serves real requests against DynamoDB Local', () => {
  it('route groups and workflow steps, over HTTP, through a case from filing to enrolment', async () => {
    const { caseId } = await file(a.applicant, validHousehold(7400));
    await approveThrough(a, caseId, REVIEW_STAGES);
    await statusReached(a.applicant, caseId, 'enrolled');
    expect((await fetch(`${rt.url}/health`)).status).toBe(200);
    expect((await a.auditor.get(`/api/cases/${caseId}/audit`)).body.chain.valid).toBe(true);
    expect((await a.auditor.post('/api/audit/verify?county=611002')).status).toBe(200);
    expect((await a.county.get('/api/reports/overdue')).status).toBe(200);
    expect((await a.admin.get('/api/admin/policy')).status).toBe(200);
    // a whole case through sixteen cold bundles: minutes on a loaded machine
  }, 240_000);

  it('the steps a happy path never reaches, and the migration', async () => {
    const { caseId } = await file(a.applicant, validHousehold(7401));
    const c = await sharedCase(caseId);
    const fn = (entry: string) => rt.app.functions.find((f) => f.entry === entry)!.logicalId;
    const invoke = (entry: string, event: unknown) => rt.invoke(fn(entry), event);

    const escalated = (await invoke('functions/steps/escalate.ts', { caseId, route: c.route })) as {
      task: { taskId: string };
    };
    expect(escalated.task.taskId).toBe(c.openTaskId);
    expect(await invoke('functions/steps/withdraw-unsupplemented.ts', { caseId })).toMatchObject({
      target: 'village_review',
      task: { taskId: expect.any(String) },
    });
    expect(
      await invoke('functions/steps/await-supplement.ts', { caseId, taskToken: 'not-a-token' }),
    ).toBeUndefined();
    expect(
      await invoke('functions/steps/renew-execution.ts', { caseId: 'case_none', executionName: 'case_none' }),
    ).toBeNull();
    // publicity started by its own step: only routes stored before decisions started it; none here
    await expect(invoke('functions/steps/start-publicity.ts', { caseId: 'case_none' })).rejects.toThrow();
    expect(await invoke('functions/jobs/store-timing-samples.ts', { counties: ['611002'] })).toBeDefined();
    expect(await invoke('functions/steps/migrate.ts', { counties: ['611002'] })).toMatchObject({
      current: expect.any(Number),
    });
    expect(await invoke('functions/steps/mark-error.ts', { caseId, error: { Error: 'Rehearsal' } })).toEqual({
      caseId,
      status: 'error',
    });
    expect((await caseOf(a.village, caseId)).status).toBe('error');
    // every function of the app ran from its bundle
    expect([...loaded].sort()).toEqual([...bundles.keys()].sort());
  });
});

/** cfn-lint's errors on the app's templates in `dir`, linted for `region`. */
function lint(dir: string, region: string): string[] {
  const templates = assembly.stacks.map((s) => join(dir, s.templateFile));
  const out = spawnSync('cfn-lint', ['--format', 'json', '--regions', region, '--', ...templates], {
    encoding: 'utf8',
  });
  const findings = JSON.parse(out.stdout || '[]') as {
    Level: string;
    Rule: { Id: string };
    Message: string;
  }[];
  return findings.filter((f) => f.Level === 'Error').map((f) => `${f.Rule.Id} ${f.Message}`);
}

async function sharedCase(caseId: string) {
  const { sharedDeps } = await import('../../functions/services/deps.ts');
  // the task opens a moment after filing
  for (let i = 0; i < 100; i++) {
    const c = await sharedDeps().store.getCase(caseId);
    if (c?.openTaskId) return c;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`case ${caseId} opened no task`);
}
