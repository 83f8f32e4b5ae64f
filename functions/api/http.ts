import type { Logger } from '@aws-lambda-powertools/logger';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { z } from 'zod';
import type { User } from '../../schemas/records.ts';
import { logger as sharedLogger, withLambdaContext } from '../commons/logger.ts';
import { CSV_CONTENT_TYPE, type CsvExport, csvAttachment } from '../core/csv.ts';
import { DomainError } from '../core/errors.ts';
import { accessLog, type ReadRecorder, storeRecorder } from './middleware/access-log.ts';
import { httpErrors } from './middleware/http-errors.ts';
import { identify } from './middleware/identity.ts';
import { parseInput } from './middleware/input.ts';
import { jsonResponse } from './middleware/json-response.ts';
import { ROUTES, type RouteDef, routeKey } from './routes.ts';

/** The event API Gateway (HTTP API, payload 2.0, JWT authorizer) hands every route group. */
export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;
export type HttpHandler = MiddyfiedHandler<HttpEvent, HttpResult>;

type Schema = z.ZodType | undefined;
type Out<S extends Schema, Default> = S extends z.ZodType ? z.output<S> : Default;

/** One route: where it lives, the schemas its input must pass, and the status of a success. */
export interface RouteSpec<B extends Schema, Q extends Schema, P extends Schema, A extends boolean> {
  method: RouteDef['method'];
  /** API Gateway path syntax, exactly as in ROUTES: `/api/cases/{caseId}` */
  path: string;
  body?: B;
  query?: Q;
  params?: P;
  /** Success status; 200 unless given. A 204 sends no body. */
  status?: number;
  /** `false` only for public routes (must match ROUTES); their actions get no user. */
  auth?: A;
}

/** What an action receives: validated input and the caller. */
export interface RouteInput<B, Q, P, U> {
  body: B;
  query: Q;
  params: P;
  user: U;
  event: HttpEvent;
  context: Context;
}

type AnyInput = RouteInput<unknown, unknown, unknown, User | undefined>;

/** A success body that is not JSON (an HTML page, a CSV export): an action returns one via `rawBody`. */
export class RawBody {
  constructor(
    readonly body: string,
    readonly contentType: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

/** Answers `body` as is, with its content type; still per user, so never cached and never sniffed. */
export const rawBody = (body: string, contentType: string, headers: Record<string, string> = {}) =>
  new RawBody(body, contentType, headers);

/** A CSV export as a download: saved under its file name, with the next export's cursor and its own headers. */
export const csvBody = (csv: CsvExport) =>
  rawBody(csv.body, CSV_CONTENT_TYPE, {
    ...csvAttachment(csv.filename),
    ...(csv.cursor ? { 'x-next-cursor': csv.cursor } : {}),
    ...csv.headers,
  });

function rawResponse(statusCode: number, raw: RawBody): HttpResult {
  return {
    statusCode,
    headers: {
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...raw.headers,
      'content-type': raw.contentType,
    },
    body: raw.body,
  };
}

/** A route ready for `routeGroup`; build it with `route`. */
export interface Route {
  readonly spec: RouteSpec<Schema, Schema, Schema, boolean>;
  readonly action: (input: AnyInput) => unknown;
}

/**
 * Declares a route: its schemas type the action's input, and the action's result becomes the JSON body (or,
 * when it is a `RawBody`, the body as is with its content type).
 * Without a query/params schema the action gets API Gateway's string maps as they are.
 */
export function route<
  B extends Schema = undefined,
  Q extends Schema = undefined,
  P extends Schema = undefined,
  A extends boolean = true,
>(
  spec: RouteSpec<B, Q, P, A>,
  action: (
    input: RouteInput<
      Out<B, undefined>,
      Out<Q, Record<string, string | undefined>>,
      Out<P, Record<string, string | undefined>>,
      A extends false ? undefined : User
    >,
  ) => unknown,
): Route {
  return { spec, action: action as (input: AnyInput) => unknown };
}

/** A route catalogue entry; ROUTES in production, a test's own list in tests. */
export type CatalogEntry = Omit<RouteDef, 'group'> & { group: string };

export interface RouteGroupOptions {
  /** Routes the group must serve exactly; defaults to ROUTES. */
  catalog?: readonly CatalogEntry[];
  logger?: Logger;
  /** Where the access log records reads; the table by default, `false` for a group that keeps none (tests). */
  accessLog?: ReadRecorder | false;
}

/** Fails at cold start (and in tests) when a group and the catalogue that API Gateway is built from disagree. */
function checkAgainstCatalog(group: string, routes: readonly Route[], catalog: readonly CatalogEntry[]) {
  const expected = new Map(catalog.filter((r) => r.group === group).map((r) => [routeKey(r), r]));
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const { spec } of routes) {
    const key = routeKey(spec);
    const entry = expected.get(key);
    if (seen.has(key)) problems.push(`${key} is declared twice`);
    else if (!entry) problems.push(`${key} is not a ${group} route in the catalogue`);
    else if (entry.auth !== (spec.auth ?? true)) problems.push(`${key} auth differs from the catalogue`);
    seen.add(key);
  }
  for (const key of expected.keys()) if (!seen.has(key)) problems.push(`${key} has no handler`);
  if (problems.length) throw new Error(`route group ${group}: ${problems.join('; ')}`);
}

/**
 * The Lambda handler of one route group: Powertools logger → error middleware → access log → router. The
 * access log records the reads it must once they succeeded (middleware/access-log.ts). The router dispatches
 * on `event.routeKey` (set by API Gateway, e.g. `POST /api/cases/{caseId}/withdraw`), identifies the caller on
 * authorized routes (401 first), validates input (400 naming every bad field), runs the action and answers JSON.
 */
export function routeGroup(
  group: string,
  routes: readonly Route[],
  options: RouteGroupOptions = {},
): HttpHandler {
  const logger = options.logger ?? sharedLogger;
  checkAgainstCatalog(group, routes, options.catalog ?? ROUTES);
  const byKey = new Map(routes.map((r) => [routeKey(r.spec), r]));

  const router = async (event: HttpEvent, context: Context): Promise<HttpResult> => {
    logger.appendKeys({ routeKey: event.routeKey, requestId: event.requestContext?.requestId });
    const found = byKey.get(event.routeKey);
    if (!found) throw new DomainError('not_found', 'no such route');
    const { spec, action } = found;
    const user = (spec.auth ?? true) ? identify(event) : undefined;
    if (user) logger.appendKeys({ userSub: user.sub, userRole: user.role });
    const input = parseInput(event, spec);
    const result = await action({ ...input, user, event, context } as AnyInput);
    if (result instanceof RawBody) return rawResponse(spec.status ?? 200, result);
    return jsonResponse(spec.status ?? 200, spec.status === 204 ? undefined : result);
  };

  const recorder = options.accessLog ?? storeRecorder;
  const handler = middy<HttpEvent, HttpResult>().use(withLambdaContext(logger)).use(httpErrors(logger));
  return (recorder ? handler.use(accessLog(recorder)) : handler).handler(router);
}
