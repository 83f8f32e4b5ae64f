import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../functions/api/openapi.ts';
import { ROUTES } from '../../functions/api/routes.ts';
import { repoPath } from '../../infra/paths.ts';

const run = promisify(execFile);

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; message: string; location: { pointer?: string }[] }[];
}

const doc = buildOpenApiDocument();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openapi-lint-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Redocly CLI's `lint` of `document` with the repository's redocly.yaml (its recommended rules), offline. */
async function lint(document: unknown): Promise<LintReport> {
  const file = join(dir, `openapi-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(document));
  const cli = repoPath('node_modules/@redocly/cli/bin/cli.js');
  const args = [cli, 'lint', file, '--config', repoPath('redocly.yaml'), '--format', 'json'];
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  // redocly exits 1 when it finds errors; its report is on stdout either way
  const { stdout } = await run(process.execPath, args, { env, cwd: dir }).catch((e) => e);
  return JSON.parse(stdout) as LintReport;
}

describe('the OpenAPI document', () => {
  it('lints clean with Redocly’s recommended rules: no error, no warning', async () => {
    const report = await lint(doc);

    expect(report.problems.map((p) => `${p.ruleId}: ${p.message} ${p.location[0]?.pointer}`)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  });

  it('is refused by the same lint when an operation loses its operationId or its security', async () => {
    const broken = structuredClone(doc) as typeof doc;
    const cases = broken.paths!['/api/cases']!;
    delete cases.post!.operationId;
    delete cases.get!.security;

    const report = await lint(broken);

    expect(report.problems.map((p) => p.ruleId).sort()).toEqual([
      'operation-operationId',
      'security-defined',
    ]);
  });

  it('names every route of ROUTES by its operationId, once, with servers and the bearer scheme defined', () => {
    const ids = Object.values(doc.paths ?? {}).flatMap((item) =>
      Object.values(item).map((op) => (op as { operationId?: string }).operationId),
    );

    expect(ids).toEqual(expect.arrayContaining(ROUTES.map((r) => r.operationId)));
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
    expect(doc.components?.securitySchemes?.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});
