import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const WEB_DIST = join(ROOT, 'web', 'dist');
const STAMP = join(WEB_DIST, '.source-hash');
const LOCK = join(ROOT, 'web', '.build-lock');
const VITE = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
/** What the bundle is made of: the console, the schemas and pure rules it imports, the locked dependencies. */
const INPUTS = [
  'web/src',
  'web/index.html',
  'web/vite.config.ts',
  'web/serving.ts',
  'web/page-styles.ts',
  'schemas',
  'functions/core',
  'package-lock.json',
];

async function files(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => null);
  if (!entries) return [path];
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? files(join(path, e.name)) : [join(path, e.name)])),
  );
  return nested.flat();
}

/** A hash of every input file's path and content: a checkout, not a clock, decides whether to rebuild. */
export async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const all = (await Promise.all(INPUTS.map((p) => files(join(ROOT, p))))).flat().sort();
  for (const file of all) {
    hash.update(relative(ROOT, file));
    hash.update(await readFile(file));
  }
  return hash.digest('hex');
}

/**
 * `vite build` in a process of its own with NODE_ENV=production: vite and the React plugin read NODE_ENV before
 * their mode, and vitest sets it to `test`, which would build React's and antd's development bundles.
 */
function viteBuild(): Promise<void> {
  const child = spawn(
    process.execPath,
    [VITE, 'build', '--config', join(ROOT, 'web', 'vite.config.ts'), '--logLevel', 'warn'],
    { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production' }, stdio: 'inherit' },
  );
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`vite build failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

/**
 * Builds the console into web/dist unless the build there was made from the same sources. Concurrent callers
 * (two test files) wait on a lock directory instead of building twice into the same folder.
 */
export async function ensureWebBuilt(log: (line: string) => void = () => {}): Promise<void> {
  const want = await sourceHash();
  for (;;) {
    if ((await readFile(STAMP, 'utf8').catch(() => '')) === want) return;
    const locked = await mkdir(LOCK).then(
      () => true,
      () => false,
    );
    if (locked) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  try {
    if ((await readFile(STAMP, 'utf8').catch(() => '')) === want) return;
    log('building the web console (web/dist)…');
    await viteBuild();
    await writeFile(STAMP, want);
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await ensureWebBuilt((line) => console.log(line));
}
