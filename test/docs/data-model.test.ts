import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ACCESS_LOG_PREFIX,
  INDEXES,
  indexKeys,
  keys,
  SAMPLES_PREFIX,
  TABLE_KEYS,
} from '../../functions/store/keys.ts';
import { repoPath } from '../../infra/paths.ts';

/**
 * docs/data-model.md against functions/store/keys.ts: every key prefix, key builder, index and index attribute
 * the code declares is named on the page, so a new entity or index cannot land undocumented.
 */
const doc = readFileSync(repoPath('docs/data-model.md'), 'utf8');

type Builder = (...args: string[]) => unknown;

/** Whatever a builder or constant yields, as strings: the keys' values. */
function valuesOf(entry: unknown): string[] {
  const value = typeof entry === 'function' ? (entry as Builder)(...Array(entry.length).fill('x')) : entry;
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(valuesOf);
  return [];
}

/** The constant parts of a key value: upper-case tags ending or starting with `#` (`CASE#`, `#OPEN`, `V#`). */
const prefixesOf = (value: string) => value.match(/[A-Z][A-Z0-9_]*#|#[A-Z][A-Z0-9_]*/g) ?? [];

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The token stands on its own in the page (not as part of a longer tag or name). */
const mentions = (token: string) =>
  new RegExp(`(?<![A-Za-z0-9_])${escapeRegExp(token)}(?![A-Za-z0-9_])`).test(doc);

const builders = (group: string, declared: Record<string, unknown>) =>
  Object.entries(declared).map(([name, entry]) => ({ name: `${group}.${name}`, entry }));

describe('docs/data-model.md', () => {
  const allBuilders = [...builders('keys', keys), ...builders('indexKeys', indexKeys)];
  const prefixes = new Set([
    ...allBuilders.flatMap(({ entry }) => valuesOf(entry).flatMap(prefixesOf)),
    ACCESS_LOG_PREFIX,
    SAMPLES_PREFIX,
  ]);

  it('finds the declarations it checks', () => {
    expect(allBuilders.length).toBeGreaterThan(20);
    expect(prefixes).toContain('CASE#');
    expect(prefixes).toContain('#OPEN');
  });

  it.each([...prefixes])('names the key prefix %s', (prefix) => {
    expect(mentions(prefix), `${prefix} (functions/store/keys.ts) is missing from docs/data-model.md`).toBe(
      true,
    );
  });

  it.each(allBuilders.map((b) => b.name))('names the key builder %s', (name) => {
    expect(mentions(name), `${name} (functions/store/keys.ts) is missing from docs/data-model.md`).toBe(true);
  });

  it.each(Object.entries(INDEXES))('names the index %s with its name and keys', (logical, index) => {
    for (const token of [logical, index.name, index.partitionKey, index.sortKey]) {
      expect(mentions(token), `index ${logical}: ${token} is missing from docs/data-model.md`).toBe(true);
    }
  });

  it.each(Object.entries(INDEXES))('lists what index %s projects', (logical, index) => {
    if (index.projection === 'ALL') {
      expect(doc).toMatch(
        new RegExp(`\\|\\s*\`${index.name}\`\\s*\\|\\s*\`${logical}\`\\s*\\|\\s*ALL\\s*\\|`),
      );
      return;
    }
    for (const attribute of index.projection) {
      expect(doc.includes(`\`${attribute}\``), `${logical} projects ${attribute}, not in the page`).toBe(
        true,
      );
    }
  });

  it('names the table keys', () => {
    for (const key of Object.values(TABLE_KEYS)) expect(mentions(key)).toBe(true);
  });
});
