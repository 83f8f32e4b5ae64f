import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: entries in functions/steps/entries.ts and functions/api/routes.ts are relative to it. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Absolute path of a repository-relative file. */
export const repoPath = (relative: string) => resolve(REPO_ROOT, relative);
