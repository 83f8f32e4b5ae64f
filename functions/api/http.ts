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
import { routeMetrics, withObservability } from '../commons/observability.ts';
import { CSV_CONTENT_TYPE, type CsvExport, csvAttachment } from '../core/csv.ts';
import { DomainError } from '../core/errors.ts';
import { type CursorBinding, openCursor, sealCursor } from '../store/cursor.ts';
import { accessLog, type ReadRecorder, storeRecorder } from './middleware/access-log.ts';
import { httpErrors } from './middleware/http-errors.ts';
import { identify } from './middleware/identity.ts';
import { parseInput } from './middleware/input.ts';
import { jsonResponse } from './middleware/json-response.ts';
import {
  type Catalog,
  type PathParamNames,
  paramsOf,
  ROUTE_CATALOG,
  type RouteDecl,
  type RouteGroup,
  routeKey,
  routeList,
} from './routes.ts';

/** The event API Gateway (HTTP API, payload 2.0, JWT authorizer) hands every route group. */
export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;
export type HttpHandler = MiddyfiedHandler<HttpEvent, HttpResult>;

/** The validated value of a declared schema, or what API Gateway hands over without one. */
type Parsed<D, K extends string, Default> = D extends { [P in K]: infer S extends z.ZodType }
  ? z.output<S>
  : Default;

/** What the action of route `D` receives: its body, query and path parameters as its schemas parse them. */
export type ActionInput<D extends RouteDecl> = RouteInput<
  Parsed<D, 'body', undefined>,
  Parsed<D, 'query', Record<string, string | undefined>>,
  Parsed<D, 'params', Record<PathParamNames<D['path']>, string>>,
  D extends { auth: false } ? undefined : User
>;

/** The action of route `D`: its result becomes the JSON body (or, when it is a `RawBody`, the body as is). */
export type Action<D extends RouteDecl> = (input: ActionInput<D>) => unknown;

/** One action per route of `group` in `catalog`, keyed by operationId: a missing or unknown one fails to compile. */
export type GroupActions<C extends Catalog, G extends string> = {
  [K in keyof C as C[K]['group'] extends G ? K : never]: Action<C[K]>;
};

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
/**
 * How long before the function's timeout a request still being served is answered 503 `unavailable`: time for the
 * answer to leave before Lambda ends the invocation (API Gateway would otherwise answer its own bare 503).
 */
export const TIMEOUT_MARGIN_MS = 1000;

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

/** The query with its `cursor` opened (store/cursor openCursor): 400 for one not sealed for this very query. */
function withOpenCursor(query: unknown, binding: CursorBinding): unknown {
  const cursor = (query as { cursor?: unknown } | undefined)?.cursor;
  if (typeof cursor !== 'string') return query;
  return { ...(query as object), cursor: openCursor(cursor, binding) };
}

/**
 * The action's result with its next-page cursor sealed to the route, caller and query: a page's `cursor`, or a
 * CSV export's `x-next-cursor`. Every paged route gets this from the edge, so none can forget it.
 */
function sealed(result: unknown, binding: CursorBinding): unknown {
  if (result instanceof RawBody) {
    const next = result.headers['x-next-cursor'];
    if (!next) return result;
    return rawBody(result.body, result.contentType, {
      ...result.headers,
      'x-next-cursor': sealCursor(next, binding),
    });
  }
  const cursor = (result as { cursor?: unknown } | null | undefined)?.cursor;
  if (typeof cursor !== 'string') return result;
  return { ...(result as object), cursor: sealCursor(cursor, binding) };
}

export interface RouteGroupOptions<C extends Catalog = Catalog> {
  /** The catalogue the group serves its part of; ROUTE_CATALOG unless given. */
  catalog?: C;
  logger?: Logger;
  /** Where the access log records reads; the table by default, `false` for a group that keeps none (tests). */
  accessLog?: ReadRecorder | false;
}

/** A group's routes with their actions; fails at cold start (and in tests) when an action is missing or unknown. */
function bindActions(group: string, actions: Record<string, unknown>, catalog: Catalog) {
  const routes = routeList(catalog).filter((r) => r.group === group);
  const problems = Object.keys(actions)
    .filter((id) => catalog[id]?.group !== group)
    .map((id) => `${id} is not a ${group} route in the catalogue`);
  for (const r of routes) if (!actions[r.operationId]) problems.push(`${routeKey(r)} has no handler`);
  if (problems.length) throw new Error(`route group ${group}: ${problems.join('; ')}`);
  return routes.map((r) => ({
    def: r,
    schemas: { body: r.body, query: r.query, params: paramsOf(r) },
    action: actions[r.operationId] as (input: AnyInput) => unknown,
  }));
}

/**
 * The Lambda handler of one route group: Powertools logger → error middleware → access log → router. The
 * access log records the reads it must once they succeeded (middleware/access-log.ts). The router dispatches
 * on `event.routeKey` (set by API Gateway, e.g. `POST /api/cases/{caseId}/withdraw`), identifies the caller on
 * authorized routes (401 first), validates input (400 naming every bad field), runs the action and answers JSON.
 */
export function routeGroup<G extends RouteGroup>(
  group: G,
  actions: GroupActions<typeof ROUTE_CATALOG, G>,
  options?: RouteGroupOptions<typeof ROUTE_CATALOG>,
): HttpHandler;
export function routeGroup<C extends Catalog, G extends string>(
  group: G,
  actions: GroupActions<C, G>,
  options: RouteGroupOptions<C> & { catalog: C },
): HttpHandler;
export function routeGroup(
  group: string,
  actions: Record<string, unknown>,
  options: RouteGroupOptions = {},
): HttpHandler {
  const logger = options.logger ?? sharedLogger;
  const routes = bindActions(group, actions, options.catalog ?? ROUTE_CATALOG);
  const byKey = new Map(routes.map((r) => [routeKey(r.def), r]));

  const router = async (event: HttpEvent, context: Context): Promise<HttpResult> => {
    logger.appendKeys({ routeKey: event.routeKey, requestId: event.requestContext?.requestId });
    const found = byKey.get(event.routeKey);
    if (!found) throw new DomainError('not_found', 'no such route');
    const { def, schemas, action } = found;
    const user = def.auth ? identify(event) : undefined;
    if (user) logger.appendKeys({ userSub: user.sub, userRole: user.role });
    const input = parseInput(event, schemas);
    const binding: CursorBinding = {
      route: event.routeKey,
      caller: user?.sub ?? '',
      params: input.params,
      query: input.query,
    };
    const query = withOpenCursor(input.query, binding);
    const result = sealed(await action({ ...input, query, user, event, context } as AnyInput), binding);
    if (result instanceof RawBody) return rawResponse(def.status ?? 200, result);
    return jsonResponse(def.status ?? 200, def.status === 204 ? undefined : result);
  };

  const recorder = options.accessLog ?? storeRecorder;
  const handler = middy<HttpEvent, HttpResult>({
    // Out of time: a 503 the contract names, instead of middy's TimeoutError (a 500 "internal error")
    timeoutEarlyInMillis: TIMEOUT_MARGIN_MS,
    timeoutEarlyResponse: () => {
      throw new DomainError(
        'unavailable',
        'the request ran out of time: it may or may not have taken effect; read it again before retrying',
      );
    },
  })
    .use(withLambdaContext(logger))
    .use(withObservability())
    .use(routeMetrics((event) => (event as HttpEvent).routeKey))
    .use(httpErrors(logger));
  return (recorder ? handler.use(accessLog(recorder)) : handler).handler(router);
}
