import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, repoPath } from '../../infra/paths.ts';

/**
 * The docs point only at what exists: every repository path they name in backticks, every relative link and
 * every `#anchor` of a link into a page. A renamed file or heading fails here instead of misleading a reader.
 */
const pages = [
  'README.md',
  ...readdirSync(repoPath('docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const textOf = (page: string) => readFileSync(repoPath(page), 'utf8');

/** Top-level folders a path in the docs may start with. */
const REPO_PATH = /^(functions|schemas|local|workflows|infra|bench|test|docs)\/[A-Za-z0-9_./-]*$/;

/** Paths named in inline code, e.g. `functions/store/keys.ts` or `test/api/`. */
function namedPaths(text: string): string[] {
  return [...text.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!).filter((p) => REPO_PATH.test(p));
}

/** Relative Markdown links `[text](target)`, without web addresses. */
function links(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/.test(t));
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return (
    heading
      // inline code and emphasis markers are not part of the heading's text
      .replace(/[`*]/g, '')
      .replace(/(^|[^\p{L}\p{N}])_+|_+(?=[^\p{L}\p{N}]|$)/gu, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
  );
}

const anchorsOf = (text: string) =>
  new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => anchorOf(m[1]!.trim())));

describe.each(pages)('%s', (page) => {
  const text = textOf(page);

  it('names only repository paths that exist', () => {
    const missing = namedPaths(text).filter((p) => !existsSync(repoPath(p)));
    expect(missing).toEqual([]);
  });

  it('links only to pages and headings that exist', () => {
    const broken: string[] = [];
    for (const link of links(text)) {
      const [target, anchor] = link.split('#') as [string, string | undefined];
      const file = target ? join(dirname(repoPath(page)), target) : repoPath(page);
      if (!existsSync(file)) {
        broken.push(link);
        continue;
      }
      if (anchor && file.endsWith('.md') && !anchorsOf(readFileSync(file, 'utf8')).has(anchor)) {
        broken.push(`${link} (no heading #${anchor} in ${relative(REPO_ROOT, file)})`);
      }
    }
    expect(broken).toEqual([]);
  });
});
