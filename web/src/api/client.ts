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
interface Prefetched {
  at: number;
  response: Promise<Response>;
  /** the body of a 2xx answer, once it has arrived and been parsed */
  arrived?: { value: unknown };
}
const prefetched = new Map<string, Prefetched>();

/**
 * Starts a GET the page about to load will make (the boot does this while the page's code downloads), so the
 * page's own request for exactly `path` gets this answer instead of waiting for a new one. Used once. A 2xx body is
 * read as soon as it arrives, so a page drawn after that has it in its first render (`peek`); resolves to that body
 * (undefined for any other answer, or none), which the boot may read itself.
 */
export function prefetch(path: string, token: string): Promise<unknown> {
  const response = fetch(path, { headers: { authorization: `Bearer ${token}` } });
  const entry: Prefetched = { at: Date.now(), response };
  prefetched.set(`${token} ${path}`, entry);
  return (
    response
      .then((r) => (r.ok ? (r.clone().json() as Promise<unknown>) : undefined))
      .then((value) => {
        if (value !== undefined) entry.arrived = { value };
        return value;
      })
      // an answer nobody takes must not surface as an unhandled rejection
      .catch(() => undefined)
  );
}

/** The prefetched answer to `key`, while it may still be used. */
function prefetchedAnswer(key: string): Prefetched | undefined {
  const entry = prefetched.get(key);
  return entry && Date.now() - entry.at <= PREFETCH_TTL_MS ? entry : undefined;
}

function takePrefetched(key: string): Prefetched | undefined {
  const entry = prefetchedAnswer(key);
  prefetched.delete(key);
  return entry;
}

/** While `peek` runs a load: the prefetched answers it read. */
let peeking: string[] | undefined;
/** What a request `peek` cannot answer from an answer in hand gets: nothing is sent, and it never settles. */
const NOT_IN_HAND: Promise<never> = new Promise(() => {});

/**
 * What `load()` answers from prefetched answers that have already arrived, found without sending a request or using
 * an answer up (so a component may call it while it renders); undefined when it needs any other. `takePeeked(peeked)`
 * then uses those answers up, once the component has drawn with them.
 */
export function peek<T>(load: () => Promise<T>): Peeked<T> | undefined {
  const keys: string[] = [];
  peeking = keys;
  let p: Promise<T>;
  try {
    p = load();
  } catch {
    return undefined;
  } finally {
    peeking = undefined;
  }
  const found = readyValue(p);
  return found && { value: found.value, keys };
}

export interface Peeked<T> {
  value: T;
  /** the prefetched answers it was made of */
  keys: string[];
}

/** Uses up the prefetched answers a drawn `peek` was made of: the page's next request for them goes out. */
export function takePeeked(peeked: Peeked<unknown>): void {
  for (const key of peeked.keys) prefetched.delete(key);
}

/** Promises whose value is already in hand (see `readyValue`). */
const readyValues = new WeakMap<Promise<unknown>, { value: unknown }>();

/** A promise of `value` that `readyValue` can read without waiting. */
export function ready<T>(value: T): Promise<T> {
  const p = Promise.resolve(value);
  readyValues.set(p, { value });
  return p;
}

/** The value of a promise `request` (or `combine`) made from an answer already in hand; undefined for any other. */
export function readyValue<T>(p: Promise<T>): { value: T } | undefined {
  return readyValues.get(p) as { value: T } | undefined;
}

/** `p`, or undefined where it fails; ready when `p` is. */
export function optional<T>(p: Promise<T>): Promise<T | undefined> {
  return readyValue(p) ? p : p.catch(() => undefined);
}

/** `Promise.all(promises).then(f)`, ready at once (`readyValue`) when every promise is. */
export function combine<A extends readonly unknown[], R>(
  promises: { [K in keyof A]: Promise<A[K]> },
  f: (values: A) => R,
): Promise<R> {
  const values = promises.map((p) => readyValue(p));
  if (values.every((v) => v !== undefined)) return ready(f(values.map((v) => v!.value) as unknown as A));
  return Promise.all(promises).then((v) => f(v as unknown as A));
}

/**
 * One call to the API with the session's bearer token. Any non-2xx answer becomes an ApiError carrying the
 * contract's code, message and details; nothing of the response beyond that is shown to the user.
 */
export function request<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH',
  path: string,
  opts: { body?: unknown; query?: Query; as?: 'json' | 'text' | 'response' } = {},
): Promise<T> {
  const token = config.token();
  const url = withQuery(path, opts.query);
  const key = `${token} ${url}`;
  const json = method === 'GET' && (opts.as ?? 'json') === 'json';
  if (peeking) {
    const arrived = json ? prefetchedAnswer(key)?.arrived : undefined;
    if (!arrived) return NOT_IN_HAND;
    peeking.push(key);
    return ready(arrived.value as T);
  }
  const early = method === 'GET' ? takePrefetched(key) : undefined;
  // a prefetched 2xx body already parsed: it is the answer
  if (early?.arrived && json) return ready(early.arrived.value as T);
  return send(method, url, path, token, opts, early?.response);
}

async function send<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH',
  url: string,
  path: string,
  token: string | undefined,
  opts: { body?: unknown; as?: 'json' | 'text' | 'response' },
  early: Promise<Response> | undefined,
): Promise<T> {
  let res: Response;
  try {
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
