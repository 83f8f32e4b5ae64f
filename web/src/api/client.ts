import type { ErrorBody } from './types.ts';

/** An API error as the contract shapes it, or `network` when no answer came. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path: string; rule: string; message?: string }[] = [],
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | boolean | undefined>;

interface ClientConfig {
  token: () => string | undefined;
  /** called on a 401 from any route but login: the session is over */
  onUnauthorized: () => void;
}

let config: ClientConfig = { token: () => undefined, onUnauthorized: () => {} };

/** The session module plugs the token in; nothing else keeps it. */
export function configureClient(next: ClientConfig): void {
  config = next;
}

export function withQuery(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** A prefetched answer is used only this soon after it was asked for: later, the page asks afresh. */
const PREFETCH_TTL_MS = 10_000;
const prefetched = new Map<string, { at: number; response: Promise<Response> }>();

/**
 * Starts a GET the page about to load will make (the boot does this while the page's code downloads), so the
 * page's own request for exactly `path` gets this answer instead of waiting for a new one. Used once. Resolves to
 * a copy of the answer the boot may read itself (the page reads the original).
 */
export function prefetch(path: string, token: string): Promise<Response> {
  const response = fetch(path, { headers: { authorization: `Bearer ${token}` } });
  // an answer nobody takes must not surface as an unhandled rejection
  response.catch(() => undefined);
  prefetched.set(`${token} ${path}`, { at: Date.now(), response });
  return response.then((r) => r.clone());
}

function takePrefetched(token: string | undefined, url: string): Promise<Response> | undefined {
  const key = `${token} ${url}`;
  const entry = prefetched.get(key);
  if (!entry) return undefined;
  prefetched.delete(key);
  return Date.now() - entry.at <= PREFETCH_TTL_MS ? entry.response : undefined;
}

/**
 * One call to the API with the session's bearer token. Any non-2xx answer becomes an ApiError carrying the
 * contract's code, message and details; nothing of the response beyond that is shown to the user.
 */
export async function request<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH',
  path: string,
  opts: { body?: unknown; query?: Query; as?: 'json' | 'text' | 'response' } = {},
): Promise<T> {
  const token = config.token();
  const url = withQuery(path, opts.query);
  let res: Response;
  try {
    const early = method === 'GET' ? takePrefetched(token, url) : undefined;
    res = await (early ??
      fetch(url, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      }));
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  if (res.ok) {
    // `response`: the caller reads the body and headers itself (a CSV export's file name and next part)
    if (opts.as === 'response') return res as T;
    return (opts.as === 'text' ? await res.text() : await res.json()) as T;
  }
  const body = (await res.json().catch(() => undefined)) as Partial<ErrorBody> | undefined;
  // Read by shape, not with the zod schema: the first page load stays free of zod.
  const e = body?.error;
  const error =
    typeof e?.code === 'string' && typeof e.message === 'string'
      ? new ApiError(res.status, e.code, e.message, Array.isArray(e.details) ? e.details : [])
      : new ApiError(res.status, res.status >= 500 ? 'internal' : 'invalid_input', `HTTP ${res.status}`);
  if (res.status === 401 && path !== '/api/auth/login') config.onUnauthorized();
  throw error;
}
