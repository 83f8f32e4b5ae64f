/**
 * Renders the OpenAPI document as the Markdown reference in docs/api.md: the operations by route group, then
 * every named schema with its fields flattened to paths (`household.head.idNumber`) and their rules.
 */

/** The part of a JSON Schema (OpenAPI 3.1 dialect) the reference reads. */
interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  description?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Schema;
}
interface Content {
  [mediaType: string]: { schema?: Schema };
}
interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { content?: Content };
  responses?: Record<string, { description?: string; content?: Content }>;
}
export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  servers?: { url: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (value: unknown) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
const anchor = (name: string) => name.toLowerCase();
const refName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);

/** A schema's type in a few words: a link for a named schema, the values of an enum, `T[]` for an array. */
function typeOf(s: Schema): string {
  if (s.$ref) return `[${refName(s.$ref)}](#${anchor(refName(s.$ref))})`;
  if (s.const !== undefined) return code(s.const);
  if (s.enum) return s.enum.map(code).join(' · ');
  const union = s.anyOf ?? s.oneOf;
  if (union) return union.map(typeOf).join(' or ');
  if (s.allOf) return s.allOf.map(typeOf).join(' and ');
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.includes('array')) return `${s.items ? typeOf(s.items) : 'any'}[]`;
  if (types.includes('object') && !s.properties) {
    return typeof s.additionalProperties === 'object' ? `map of ${typeOf(s.additionalProperties)}` : 'object';
  }
  return types.length ? types.join(' or ') : 'any';
}

/** The constraints a value must meet, as the API states them. */
function rulesOf(s: Schema): string {
  const rules: string[] = [];
  const range = (what: string, min?: number, max?: number) => {
    if (min !== undefined && max !== undefined) rules.push(`${what} ${min}–${max}`);
    else if (min !== undefined) rules.push(`${what} ≥ ${min}`);
    else if (max !== undefined) rules.push(`${what} ≤ ${max}`);
  };
  range('length', s.minLength, s.maxLength);
  range('value', s.minimum, s.maximum);
  if (s.exclusiveMinimum !== undefined) rules.push(`> ${s.exclusiveMinimum}`);
  if (s.exclusiveMaximum !== undefined) rules.push(`< ${s.exclusiveMaximum}`);
  range('items', s.minItems, s.maxItems);
  if (s.format) rules.push(s.format);
  if (s.pattern) rules.push(`pattern ${code(s.pattern)}`);
  if (s.default !== undefined) rules.push(`default ${code(s.default)}`);
  if (s.description) rules.push(s.description);
  return rules.join('; ');
}

interface Field {
  path: string;
  schema: Schema;
  required: boolean;
}

/** An inline object's fields, nested objects and arrays of objects flattened into paths. */
function fieldsOf(s: Schema, prefix = ''): Field[] {
  const out: Field[] = [];
  for (const [name, prop] of Object.entries(s.properties ?? {})) {
    const path = prefix + name;
    out.push({ path, schema: prop, required: s.required?.includes(name) ?? false });
    if (prop.properties) out.push(...fieldsOf(prop, `${path}.`));
    else if (prop.items?.properties) out.push(...fieldsOf(prop.items, `${path}[].`));
  }
  return out;
}

const fieldTable = (fields: Field[]) => [
  '| field | type | required | rules |',
  '| --- | --- | --- | --- |',
  ...fields.map(
    (f) =>
      `| ${code(f.path)} | ${cell(typeOf(f.schema))} | ${f.required ? 'yes' : ''} | ${cell(rulesOf(f.schema))} |`,
  ),
];

const bodyOf = (content: Content | undefined) =>
  Object.entries(content ?? {})
    .map(([type, media]) => `${media.schema ? typeOf(media.schema) : 'any'} (${code(type)})`)
    .join(', ');

function renderOperation(method: string, path: string, op: Operation): string[] {
  const lines = [`### \`${method.toUpperCase()} ${path}\``, '', op.summary ?? '', ''];
  lines.push(
    `operationId ${code(op.operationId ?? '')} · ${op.security?.length ? 'bearer token (JWT)' : 'public'}`,
    '',
  );
  if (op.parameters?.length) {
    lines.push('| parameter | in | type | required | rules |', '| --- | --- | --- | --- | --- |');
    for (const p of op.parameters) {
      const schema = p.schema ?? {};
      lines.push(
        `| ${code(p.name)} | ${p.in} | ${cell(typeOf(schema))} | ${p.required ? 'yes' : ''} | ${cell(rulesOf(schema))} |`,
      );
    }
    lines.push('');
  }
  if (op.requestBody) lines.push(`Body: ${bodyOf(op.requestBody.content)}`, '');
  lines.push('| status | meaning | body |', '| --- | --- | --- |');
  for (const [status, res] of Object.entries(op.responses ?? {})) {
    lines.push(`| ${status} | ${cell(res.description ?? '')} | ${cell(bodyOf(res.content))} |`);
  }
  lines.push('');
  return lines;
}

/** The whole reference: generated, never edited by hand (`npm run docs:api`). */
export function renderApiReference(doc: OpenApiDocument): string {
  const lines = [
    `# ${doc.info.title}`,
    '',
    '<!-- Generated from the OpenAPI document by `npm run docs:api`; do not edit. -->',
    '',
    `Version ${doc.info.version}. ${doc.info.description ?? ''}`,
    '',
    `Served at \`/openapi.json\` (also in \`docs/openapi.json\`); servers: ${(doc.servers ?? []).map((s) => code(s.url)).join(', ')}.`,
    '',
  ];
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = op.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), ...renderOperation(method, path, op)]);
    }
  }
  for (const [tag, ops] of byTag) lines.push(`## ${tag}`, '', ...ops);
  lines.push('## Schemas', '');
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
    lines.push(`### ${name}`, '');
    const fields = schema.properties
      ? fieldsOf(schema)
      : schema.items?.properties
        ? fieldsOf(schema.items, '[].')
        : [];
    if (fields.length) lines.push(...fieldTable(fields));
    else lines.push(`${typeOf(schema)}${rulesOf(schema) ? ` (${rulesOf(schema)})` : ''}`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
