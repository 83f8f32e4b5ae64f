import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { issuesToDetails } from '../../core/decisions.ts';
import { type ErrorDetail, invalid } from '../../core/errors.ts';

/** Largest JSON body a route accepts. API Gateway allows 10 MB; no contract body comes near 256 KiB. */
export const MAX_BODY_BYTES = 256 * 1024;

/** `application/json` or a `+json` type, with any parameters (charset). */
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

export interface InputSchemas {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
}

export interface ParsedInput {
  body: unknown;
  query: unknown;
  params: unknown;
}

export type BodyRead = { ok: true; value: unknown } | { ok: false; detail: ErrorDetail };

const bodyProblem = (rule: string, message: string): BodyRead => ({
  ok: false,
  detail: { path: '(body)', rule, message },
});

/**
 * Decodes a JSON body without trusting it: the value is `unknown` until a schema has parsed it. Problems are
 * named on `(body)`: `required`, `content_type` (not application/json), `max_size`, `json` (unparsable).
 */
export function decodeJsonBody(
  contentType: string | undefined,
  raw: Buffer | undefined,
  maxBytes = MAX_BODY_BYTES,
): BodyRead {
  if (!raw?.byteLength) return bodyProblem('required', 'a JSON body is required');
  if (!JSON_TYPE.test(contentType ?? '')) {
    return bodyProblem('content_type', 'Content-Type must be application/json');
  }
  if (raw.byteLength > maxBytes) return bodyProblem('max_size', `the body exceeds ${maxBytes} bytes`);
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) };
  } catch {
    return bodyProblem('json', 'the body is not valid JSON');
  }
}

/** The event's body decoded as JSON (see `decodeJsonBody`). */
export function readJsonBody(event: APIGatewayProxyEventV2, maxBytes = MAX_BODY_BYTES): BodyRead {
  const raw =
    event.body === undefined ? undefined : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  return decodeJsonBody(event.headers?.['content-type'], raw, maxBytes);
}

/**
 * Validates body, query string and path parameters against a route's schemas and returns the parsed values.
 * Every problem across the three is reported at once: body fields by their own path (`household.head.idNumber`),
 * query and path parameters prefixed `query.` and `params.`.
 */
export function parseInput(event: APIGatewayProxyEventV2, schemas: InputSchemas): ParsedInput {
  const problems: ErrorDetail[] = [];
  const parse = (schema: z.ZodType | undefined, value: unknown, prefix: string[]) => {
    if (!schema) return value;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    for (const detail of issuesToDetails(result.error.issues, prefix)) problems.push(detail);
    return undefined;
  };
  let body: unknown;
  if (schemas.body) {
    const read = readJsonBody(event);
    if (read.ok) body = parse(schemas.body, read.value, []);
    else problems.push(read.detail);
  }
  const query = parse(schemas.query, { ...event.queryStringParameters }, ['query']);
  const params = parse(schemas.params, { ...event.pathParameters }, ['params']);
  if (problems.length) throw invalid('the request is not valid', problems);
  return { body, query, params };
}
