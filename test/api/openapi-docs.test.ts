import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_DOCS, apiDocs } from '../../scripts/api-docs.ts';

describe('the generated API docs', () => {
  const current = apiDocs();

  it.each(Object.keys(API_DOCS) as (keyof typeof API_DOCS)[])(
    'docs/%s is what `npm run docs:api` writes for the current routes',
    (which) => {
      expect(readFileSync(API_DOCS[which], 'utf8'), `${API_DOCS[which]} is stale: npm run docs:api`).toBe(
        current[which],
      );
    },
  );

  it('lists every operation and every named schema in docs/api.md', () => {
    const doc = JSON.parse(current.document) as {
      paths: Record<string, Record<string, { operationId: string }>>;
      components: { schemas: Record<string, unknown> };
    };
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        expect(current.reference).toContain(`### \`${method.toUpperCase()} ${path}\``);
        expect(current.reference).toContain(`operationId \`${op.operationId}\``);
      }
    }
    for (const name of Object.keys(doc.components.schemas))
      expect(current.reference).toContain(`### ${name}\n`);
  });
});
