import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { decodeJsonBody } from '../functions/api/middleware/input.ts';
import { errorBody, JSON_HEADERS, STATUS_BY_CODE } from '../functions/api/middleware/json-response.ts';
import { issuesToDetails } from '../functions/core/decisions.ts';
import { DomainError, type ErrorDetail } from '../functions/core/errors.ts';
import { type ErrorCode, loginSchema } from '../schemas/records.ts';
import { ASSET_CACHE_CONTROL, ASSETS_PATH, PAGE_CACHE_CONTROL } from '../web/serving.ts';
import type { LocalAuth } from './auth.ts';
import { lambdaContext } from './lambda-context.ts';

/** One API route as API Gateway would hold it: the Lambda behind it, and whether the JWT authorizer guards it. */
/** How long an idle kept-alive connection stays open (Node's default is 5 s). */
const KEEP_ALIVE_MS = 65_000;

export interface LocalRoute {
  method: string;
  path: string;
  authorized: boolean;
  invoke: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
}

export interface HttpServerOptions {
  port: number;
  /** Loopback only: the local runtime is never reachable from another machine. */
  host?: '127.0.0.1';
  routes: readonly LocalRoute[];
  auth: LocalAuth;
  /** The built web console; served for GET paths outside /api, with index.html as the fallback. */
  staticDir?: string;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** API Gateway's payload limit for HTTP APIs. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
/** API Gateway's longest integration timeout for HTTP APIs. */
const INTEGRATION_TIMEOUT_MS = 30_000;
const LOGIN_PATH = '/api/auth/login';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** Bodies API Gateway passes as text; anything else arrives base64-encoded. */
const TEXT_TYPE =
  /^(text\/|application\/([\w.-]+\+)?(json|xml)|application\/(javascript|x-www-form-urlencoded))/i;

interface CompiledRoute extends LocalRoute {
  regex: RegExp;
  names: string[];
  routeKey: string;
}

/** `/api/cases/{caseId}` → a regex capturing one segment per parameter (`{proxy+}` captures the rest). */
function compile(route: LocalRoute): CompiledRoute {
  const names: string[] = [];
  const pattern = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)(\+?)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]!);
      return param[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { ...route, regex: new RegExp(`^${pattern}$`), names, routeKey: `${route.method} ${route.path}` };
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: Buffer | string) {
  res.writeHead(status, headers);
  res.end(body);
}

function sendError(res: ServerResponse, code: ErrorCode, message: string, details: ErrorDetail[] = []) {
  send(res, STATUS_BY_CODE[code], { ...JSON_HEADERS }, JSON.stringify(errorBody(code, message, details)));
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_REQUEST_BYTES) return 'too_large';
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Header map as API Gateway v2 gives it: names lower-case, repeats comma-joined, cookies moved to `cookies`. */
function eventHeaders(req: IncomingMessage): { headers: Record<string, string>; cookies?: string[] } {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (name !== 'cookie' && values) headers[name] = values.join(',');
  }
  const cookie = req.headers.cookie;
  return cookie ? { headers, cookies: cookie.split(/;\s*/) } : { headers };
}

/** Query parameters as API Gateway v2 gives them: decoded, repeated names comma-joined, absent when none. */
function queryParameters(rawQuery: string): Record<string, string> | undefined {
  if (!rawQuery) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    out[key] = key in out ? `${out[key]},${value}` : value;
  }
  return out;
}

/** Claims as API Gateway's JWT authorizer forwards them: numbers and booleans as strings, arrays as `[a b]`. */
function claimsAsApiGateway(payload: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload)) {
    out[k] = Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * API Gateway's access-log time format: 25/Nov/2026:00:53:00 +0000. Built by hand: `toLocaleString` costs about
 * 2 % of the local runtime's busy time under load (a profile of the bench).
 */
function requestTime(ms: number): string {
  const d = new Date(ms);
  const month = MONTHS[d.getUTCMonth()];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${month}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

const bearerToken = (req: IncomingMessage) =>
  /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];

/** Writes a Lambda proxy result back as HTTP, inferring a plain return value the way API Gateway v2 does. */
function sendResult(res: ServerResponse, result: unknown) {
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    send(res, 200, { 'content-type': 'application/json' }, JSON.stringify(result));
    return;
  }
  const r = result as APIGatewayProxyStructuredResultV2;
  for (const [name, value] of Object.entries(r.headers ?? {})) res.setHeader(name, String(value));
  if (r.cookies?.length) res.setHeader('set-cookie', r.cookies);
  const body = r.body === undefined ? undefined : Buffer.from(r.body, r.isBase64Encoded ? 'base64' : 'utf8');
  res.writeHead(r.statusCode ?? 200);
  res.end(body);
}

async function serveStatic(res: ServerResponse, root: string, path: string, head: boolean): Promise<boolean> {
  const base = resolve(root);
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return false;
  }
  let file = resolve(base, `.${decoded}`);
  if (file !== base && !file.startsWith(base + sep)) return false;
  const isFile = await stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!isFile) {
    // Client-side routes (no extension) get the console's index.html; a missing asset is a real 404.
    if (extname(path)) return false;
    file = resolve(base, 'index.html');
  }
  const body = await readFile(file).catch(() => undefined);
  if (!body) return false;
  const isAsset = !file.endsWith(`${sep}index.html`) && path.startsWith(ASSETS_PATH);
  send(
    res,
    200,
    {
      'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'cache-control': isAsset ? ASSET_CACHE_CONTROL : PAGE_CACHE_CONTROL,
      'content-length': String(body.byteLength),
    },
    head ? undefined : body,
  );
  return true;
}

/**
 * The local stand-in for API Gateway (HTTP API, payload 2.0, JWT authorizer): matches a route, verifies the
 * bearer token on authorized routes, turns the request into the same event AWS would send and the handler's
 * result back into HTTP. Differences from AWS, on purpose:
 * - a missing or bad token answers 401 with the contract's error body (AWS answers `{"message":"Unauthorized"}`);
 * - an unknown route, or a known path with another method, is 404 with the contract's error body (AWS: 404
 *   `{"message":"Not Found"}`; HTTP APIs have no 405);
 * - `POST /api/auth/login` exists only here (on AWS, Cognito issues tokens).
 */
export async function startHttpServer(opts: HttpServerOptions): Promise<RunningHttpServer> {
  // Literal segments win over parameters, as in API Gateway's route selection.
  const routes = opts.routes.map(compile).sort((a, b) => a.names.length - b.names.length);

  async function login(req: IncomingMessage, res: ServerResponse, body: Buffer) {
    const read = decodeJsonBody(req.headers['content-type'], body);
    if (!read.ok) {
      sendError(res, 'invalid_input', 'the request is not valid', [read.detail]);
      return;
    }
    const parsed = loginSchema.safeParse(read.value);
    if (!parsed.success) {
      sendError(res, 'invalid_input', 'the request is not valid', issuesToDetails(parsed.error.issues));
      return;
    }
    try {
      const session = await opts.auth.login(parsed.data.username, parsed.data.password);
      send(res, 200, { ...JSON_HEADERS }, JSON.stringify(session));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      sendError(res, error.code, error.message, error.details);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const rawQueryString = q < 0 ? '' : rawUrl.slice(q + 1);

    const body = await readBody(req);
    if (body === 'too_large') {
      sendError(res, 'invalid_input', 'the request body is too large', [
        { path: '(body)', rule: 'max_size' },
      ]);
      return;
    }
    if (method === 'POST' && rawPath === LOGIN_PATH) return login(req, res, body);

    let match: { route: CompiledRoute; values: string[] } | undefined;
    for (const route of routes) {
      const m = route.method === method ? route.regex.exec(rawPath) : null;
      if (m) {
        match = { route, values: m.slice(1) };
        break;
      }
    }
    if (!match) {
      const isPage = (method === 'GET' || method === 'HEAD') && !rawPath.startsWith('/api/');
      if (isPage && opts.staticDir && (await serveStatic(res, opts.staticDir, rawPath, method === 'HEAD')))
        return;
      sendError(res, 'not_found', 'no such route');
      return;
    }
    const { route, values } = match;

    let claims: Record<string, string> | undefined;
    if (route.authorized) {
      const token = bearerToken(req);
      const payload = token ? await opts.auth.verify(token) : null;
      if (!payload) {
        sendError(res, 'unauthorized', 'a valid bearer token is required');
        return;
      }
      claims = claimsAsApiGateway(payload);
    }

    let pathParameters: Record<string, string> | undefined;
    try {
      pathParameters = route.names.length
        ? Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(values[i]!)]))
        : undefined;
    } catch {
      sendError(res, 'not_found', 'no such route');
      return;
    }

    const now = Date.now();
    const contentType = req.headers['content-type'] ?? '';
    const isText = body.byteLength === 0 || TEXT_TYPE.test(contentType);
    const requestId = randomUUID();
    const event: APIGatewayProxyEventV2 & { requestContext: { authorizer?: unknown } } = {
      version: '2.0',
      routeKey: route.routeKey,
      rawPath,
      rawQueryString,
      ...eventHeaders(req),
      queryStringParameters: queryParameters(rawQueryString),
      pathParameters,
      body: body.byteLength ? body.toString(isText ? 'utf8' : 'base64') : undefined,
      isBase64Encoded: !isText,
      requestContext: {
        accountId: 'local',
        apiId: 'local',
        domainName: req.headers.host ?? '127.0.0.1',
        domainPrefix: (req.headers.host ?? '127').split('.')[0]!,
        http: {
          method,
          path: rawPath,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: req.headers['user-agent'] ?? '',
        },
        requestId,
        routeKey: route.routeKey,
        stage: '$default',
        time: requestTime(now),
        timeEpoch: now,
        ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
      },
    };
    sendResult(res, await route.invoke(event));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // As API Gateway does when the integration fails: a 500 that says nothing about the cause.
      console.error('local http: integration failed', error);
      if (!res.headersSent) sendError(res, 'internal', 'internal error');
      else res.destroy();
    });
  });
  // A kept-alive socket the server closes as idle can cross a request the client is sending on it (the client
  // sees "other side closed"); clients keep a 1 s margin below the server's keep-alive hint, which event-loop lag
  // on a loaded laptop eats. Node's 5 s makes that race frequent; API Gateway keeps idle connections far longer.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  // A request Node refuses before any handler (a request line or headers over its limit, broken HTTP) would get
  // an empty-bodied 431/400: answer it as every other bad input, a 400 in the contract's shape, then close.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const body = JSON.stringify(
      errorBody(
        'invalid_input',
        tooLarge ? 'the request line or headers are too large' : 'not a valid HTTP request',
        [
          {
            path: '(request)',
            rule: tooLarge ? 'max_header_size' : 'http_syntax',
            message: tooLarge ? 'at most 16 KB of request line and headers' : 'malformed request',
          },
        ],
      ),
    );
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', fail);
      ok();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((ok, fail) => {
        server.close((error) => (error ? fail(error) : ok()));
        // close() waits for idle keep-alive sockets; drop them so callers (and tests) end promptly.
        server.closeAllConnections();
      }),
  };
}

/**
 * Wraps a Lambda handler module's export as a route's `invoke`, with a Lambda-like context (request id, a
 * deadline of API Gateway's 30 s integration timeout) so middy and Powertools behave as they do on AWS.
 */
export function lambdaInvoker(
  handler: (event: never, context: Context) => unknown,
  functionName: string,
): LocalRoute['invoke'] {
  return async (event) => {
    const result = await handler(event as never, lambdaContext(functionName, INTEGRATION_TIMEOUT_MS));
    return result as APIGatewayProxyStructuredResultV2;
  };
}
