import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/paths.ts';

/**
 * The repository explains itself: no file points a reader at the design notes outside it (the folder next to the
 * repository, or the design file by name); docs/ holds what they said. The patterns are assembled from parts so
 * that this file does not match them itself.
 */
const OUTSIDE = [new RegExp(['\\.\\.', 'shared'].join('/')), new RegExp(`\\b${'design'.toUpperCase()}\\b`)];

/** Generated, installed or local-only folders: not the repository's own text. */
const SKIPPED = new Set(['node_modules', '.git', '.data', 'cdk.out', 'dist', 'coverage']);
const TEXT = /\.(ts|mts|js|mjs|json|md|ya?ml|html|css)$/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return TEXT.test(entry.name) && entry.name !== 'package-lock.json' ? [path] : [];
  });
}

describe('the repository', () => {
  it('refers to no design notes outside it', () => {
    const found = files(REPO_ROOT).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          OUTSIDE.some((p) => p.test(line)) ? [`${relative(REPO_ROOT, file)}:${i + 1}: ${line.trim()}`] : [],
        ),
    );
    expect(found).toEqual([]);
  });
});
