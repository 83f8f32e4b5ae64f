/**
 * Writes the OpenAPI document (docs/openapi.json, for the console's typed client) and the API reference
 * rendered from it (docs/api.md). test/api/openapi-docs.test.ts fails when either is stale.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { buildOpenApiDocument } from '../functions/api/openapi.ts';
import { repoPath } from '../infra/paths.ts';
import { type OpenApiDocument, renderApiReference } from './api-reference.ts';

export const API_DOCS = {
  document: repoPath('docs/openapi.json'),
  reference: repoPath('docs/api.md'),
};

/** The two files' contents for the current routes. */
export function apiDocs() {
  const doc = buildOpenApiDocument();
  return {
    document: `${JSON.stringify(doc, null, 2)}\n`,
    reference: renderApiReference(doc as unknown as OpenApiDocument),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const docs = apiDocs();
  writeFileSync(API_DOCS.document, docs.document);
  writeFileSync(API_DOCS.reference, docs.reference);
  console.log(`wrote ${API_DOCS.document} and ${API_DOCS.reference}`);
}
