/**
 * `DATA_DIR` (default `.data/`) holds the local runtime's secrets (the JWT secret, the cursor key) and its data
 * (households, ID numbers): only its owner may read it. Directories are 0700 and files 0600, whoever made them:
 * DynamoDB Local's JVM creates its database with the process umask, so the tree is tightened after it writes.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and its parents) and makes it 0700, also when it already existed. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await chmod(dir, PRIVATE_DIR_MODE);
}

/** Makes every directory under `dir` (itself included) 0700 and every file 0600. */
export async function tightenTree(dir: string): Promise<void> {
  await chmod(dir, PRIVATE_DIR_MODE);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await tightenTree(path);
    // a file the JVM removed meanwhile (a SQLite journal) needs no tightening
    else if (entry.isFile()) await chmod(path, PRIVATE_FILE_MODE).catch(ignoreMissing);
  }
}

const ignoreMissing = (error: NodeJS.ErrnoException) => {
  if (error.code !== 'ENOENT') throw error;
};

/**
 * A random secret of `bytes` bytes kept in `<dataDir>/<name>` (0600), created on first use, so what it signs stays
 * valid across restarts. A concurrent start that created it first wins; both then read the same bytes.
 */
export async function loadOrCreateSecretFile(
  dataDir: string,
  name: string,
  bytes: number,
): Promise<Uint8Array> {
  const file = join(dataDir, name);
  await ensurePrivateDir(dataDir);
  try {
    await writeFile(file, randomBytes(bytes), { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  } catch (error) {
    // EEXIST: kept from an earlier run (or written by a concurrent start); read it below.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const secret = new Uint8Array(await readFile(file));
  if (secret.byteLength < bytes) throw new Error(`${file} is shorter than ${bytes} bytes`);
  return secret;
}
