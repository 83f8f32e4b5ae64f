import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../functions/api/openapi.ts';
import { capDetails, DomainError, MAX_DETAILS } from '../../functions/core/errors.ts';

type JsonSchema = Record<string, unknown> & {
  $ref?: string;
  type?: string;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
};
interface Operation {
  parameters?: { in: string; name: string; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

/** Every array a request may carry without `maxItems`, every free string without `maxLength`. */
function unbounded(): string[] {
  const doc = buildOpenApiDocument() as unknown as {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, JsonSchema> };
  };
  const problems: string[] = [];
  const walk = (schema: JsonSchema | undefined, at: string, seen: Set<JsonSchema>) => {
    const s = schema?.$ref ? doc.components.schemas[schema.$ref.split('/').at(-1)!] : schema;
    if (!s || seen.has(s)) return;
    seen.add(s);
    for (const key of ['anyOf', 'oneOf', 'allOf'])
      for (const x of (s[key] as JsonSchema[] | undefined) ?? []) walk(x, at, seen);
    if (s.type === 'array') {
      if (s.maxItems === undefined) problems.push(`${at}: array without maxItems`);
      walk(s.items, `${at}[]`, seen);
    }
    const bounded = ['maxLength', 'enum', 'format', 'pattern', 'const'].some((k) => s[k] !== undefined);
    if (s.type === 'string' && !bounded) problems.push(`${at}: string without maxLength`);
    for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, `${at}.${k}`, seen);
    if (typeof s.additionalProperties === 'object') walk(s.additionalProperties, `${at}{}`, seen);
    walk(s.propertyNames, `${at}{key}`, seen);
  };
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      for (const p of op.parameters ?? []) walk(p.schema, `${method} ${path} ${p.in}.${p.name}`, new Set());
      for (const c of Object.values(op.requestBody?.content ?? {}))
        walk(c.schema, `${method} ${path} body`, new Set());
    }
  }
  return problems;
}

describe('request limits', () => {
  it('bound every array and string of every route input', () => {
    expect(unbounded()).toEqual([]);
  });
});

describe('error details', () => {
  const detail = (i: number) => ({ path: `f${i}`, rule: 'r' });

  it('keep at most MAX_DETAILS, then one too_many_issues, reading no further', () => {
    let read = 0;
    function* many() {
      for (let i = 0; i < 1e6; i++) {
        read++;
        yield detail(i);
      }
    }

    const capped = capDetails(many());

    expect(capped).toHaveLength(MAX_DETAILS + 1);
    expect(capped.at(-1)).toEqual(expect.objectContaining({ rule: 'too_many_issues' }));
    expect(read).toBe(MAX_DETAILS + 1);
  });

  it('are capped on every DomainError, and kept whole up to the cap', () => {
    expect(
      new DomainError(
        'invalid_input',
        'x',
        Array.from({ length: 500 }, (_, i) => detail(i)),
      ).details,
    ).toHaveLength(MAX_DETAILS + 1);
    expect(capDetails(Array.from({ length: MAX_DETAILS }, (_, i) => detail(i)))).toHaveLength(MAX_DETAILS);
  });
});
