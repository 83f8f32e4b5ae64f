import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import { buildOpenApiDocument } from '../../functions/api/openapi.ts';

type FormatsPlugin = typeof formatsModule.default;
/** ajv-formats is CommonJS: its plugin is the module itself or its `default`, depending on the loader. */
const addFormats: FormatsPlugin =
  (formatsModule as unknown as { default?: FormatsPlugin }).default ??
  (formatsModule as unknown as FormatsPlugin);

/** A response as a test received it: what was asked, and what came back. */
export interface Exchange {
  method: string;
  /** path and query string, as requested */
  path: string;
  status: number;
  contentType: string | null;
  /** the parsed JSON body, or the text of any other body */
  body: unknown;
}

interface Media {
  schema?: object;
}
interface Operation {
  operationId?: string;
  responses?: Record<string, { content?: Record<string, Media> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: object;
}

type Matcher = { regex: RegExp; statics: number; path: string; item: Record<string, Operation> };

/**
 * Checks real responses against the OpenAPI document the API serves: the status must be one the operation
 * documents, the media type one it documents for that status, and a JSON body must match its schema. A request
 * that is no operation of the document (a static file, an unknown path) is not checked.
 */
export class ContractChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly matchers: Matcher[];

  constructor(private readonly doc: Document = buildOpenApiDocument() as unknown as Document) {
    addFormats(this.ajv);
    this.matchers = Object.entries(doc.paths)
      .map(([path, item]) => ({
        path,
        item,
        statics: path.split('/').filter((s) => s && !s.startsWith('{')).length,
        regex: new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`),
      }))
      // `/api/admin/policy/history` before any template that could also match it
      .sort((a, b) => b.statics - a.statics);
  }

  /** The operation a request is for, if the document has one. */
  operationOf(method: string, path: string): { template: string; op: Operation } | undefined {
    const pathname = path.split('?')[0]!;
    const m = this.matchers.find((x) => x.regex.test(pathname) && x.item[method.toLowerCase()]);
    return m && { template: m.path, op: m.item[method.toLowerCase()]! };
  }

  /** What is wrong with one exchange (empty when it conforms, or is no operation of the document). */
  problems(x: Exchange): string[] {
    const found = this.operationOf(x.method, x.path);
    if (!found) return [];
    const { template, op } = found;
    const where = `${x.method} ${template} (${op.operationId}) → ${x.status}`;
    const response = op.responses?.[String(x.status)];
    if (!response) return [`${where}: status ${x.status} is not documented`];
    if (!response.content) return [];
    const mediaType = (x.contentType ?? '').split(';')[0]!.trim();
    const entry = Object.entries(response.content).find(([type]) => type.split(';')[0]!.trim() === mediaType);
    if (!entry) return [`${where}: content type ${x.contentType} is not documented`];
    if (mediaType !== 'application/json' || !entry[1].schema) return [];
    const validate = this.validator(`${template} ${x.method} ${x.status}`, entry[1].schema);
    if (validate(x.body)) return [];
    return (validate.errors ?? []).map((e) => `${where}: body${e.instancePath} ${e.message}`);
  }

  /** Compiled once per operation and status; the schema's `#/components/…` references resolve in the document. */
  private validator(key: string, schema: object): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile({ ...schema, components: this.doc.components });
      this.validators.set(key, validate);
    }
    return validate;
  }
}

let shared: ContractChecker | undefined;

/** Fails when a response the API gave does not conform to its OpenAPI document. */
export function expectConforming(x: Exchange): void {
  shared ??= new ContractChecker();
  const problems = shared.problems(x);
  if (problems.length) {
    throw new Error(`response breaks the OpenAPI document:\n  ${problems.slice(0, 10).join('\n  ')}`);
  }
}
