import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startRuntime } from '../../local/runtime.ts';
import { validHousehold } from '../support/fixtures.ts';
import { login } from '../support/runtime.ts';
import { file } from '../support/scenario.ts';

/** `path mode` of everything under `dir`, itself included, octal. */
async function modesUnder(dir: string, name = '.'): Promise<string[]> {
  const own = `${name} ${((await stat(dir)).mode & 0o777).toString(8)}`;
  const out = [own];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await modesUnder(path, `${name}/${entry.name}`)));
    else out.push(`${name}/${entry.name} ${((await stat(path)).mode & 0o777).toString(8)}`);
  }
  return out;
}

describe('the local data directory', () => {
  it('is 0700 with 0600 files after a run, also when it existed with looser modes', async () => {
    const root = await mkdtemp(join(tmpdir(), 'aa-private-'));
    const dataDir = join(root, 'data');
    await mkdir(dataDir, { mode: 0o755 });
    await chmod(dataDir, 0o755);
    await writeFile(join(dataDir, 'clock.json'), JSON.stringify({ offsetMs: 0 }), { mode: 0o644 });
    try {
      const rt = await startRuntime({ port: 0, dataDir, timeScale: 1 });
      try {
        await file(await login(rt.url, 'applicant'), validHousehold(1));
      } finally {
        await rt.stop();
      }

      const modes = await modesUnder(dataDir);

      expect(modes).toEqual(
        expect.arrayContaining(['. 700', './jwt-secret 600', './clock.json 600', './dynamodb 700']),
      );
      expect(modes.filter((m) => m.startsWith('./dynamodb/')).length).toBeGreaterThan(0);
      expect(modes.filter((m) => !/ (700|600)$/.test(m))).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
