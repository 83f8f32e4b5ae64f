import { createHmac, timingSafeEqual } from 'node:crypto';
import { invalid } from '../core/errors.ts';

/** Opaque paging cursor: the LastEvaluatedKey, base64url JSON. Sealed at the API edge (`sealCursor`). */
export const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;

export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (key && typeof key === 'object' && !Array.isArray(key)) {
      const ok = Object.values(key).every((v) => typeof v === 'string');
      if (ok) return key as Record<string, unknown>;
    }
  } catch {
    // fall through to the error below
  }
  throw badCursor();
}

/** The 400 for a `cursor` query parameter this API did not return (or returned for another query). */
export const badCursor = () =>
  invalid('bad cursor', [
    { path: 'query.cursor', rule: 'cursor', message: 'not a cursor this API returned for this query' },
  ]);

/** What a cursor is bound to: the route, the caller, and every input of the query but the page itself. */
export interface CursorBinding {
  route: string;
  caller: string;
  params?: unknown;
  query?: unknown;
}

/** Query fields a continuing client may change between pages: the cursor itself and the page size. */
const UNBOUND = new Set(['cursor', 'limit']);
const MAC_BYTES = 32;
const MIN_KEY_BYTES = 32;

/** Inputs in one canonical text: object keys sorted, so the order a client sends them in does not matter. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const bound = (b: CursorBinding) => {
  const query = Object.fromEntries(
    Object.entries((b.query ?? {}) as Record<string, unknown>).filter(([k]) => !UNBOUND.has(k)),
  );
  return canonical({ route: b.route, caller: b.caller, params: b.params ?? {}, query });
};

let cachedKey: { text: string; key: Buffer } | undefined;

/**
 * The deployment's cursor key, from CURSOR_KEY (base64, at least 32 bytes): on AWS the stack passes a generated
 * secret, the local runtime one it keeps in `.data/cursor-key`. Missing, it is a configuration error (500), never
 * a silently per-process key that another Lambda instance would refuse.
 */
function cursorKey(): Buffer {
  const text = process.env.CURSOR_KEY ?? '';
  if (cachedKey?.text === text) return cachedKey.key;
  const key = Buffer.from(text, 'base64');
  if (key.byteLength < MIN_KEY_BYTES)
    throw new Error(`CURSOR_KEY must be at least ${MIN_KEY_BYTES} bytes, base64`);
  cachedKey = { text, key };
  return key;
}

const mac = (inner: string, binding: CursorBinding) =>
  createHmac('sha256', cursorKey()).update(bound(binding)).update('\n').update(inner).digest();

/** The cursor a client gets: the store's own, with an HMAC binding it to this route, caller and query. */
export function sealCursor(inner: string, binding: CursorBinding): string {
  return `${Buffer.from(inner).toString('base64url')}.${mac(inner, binding).toString('base64url')}`;
}

/**
 * The store's cursor inside a client's cursor, or a 400 `cursor` when it is forged, truncated, or was sealed for
 * another route, caller or query.
 */
export function openCursor(sealed: string, binding: CursorBinding): string {
  const [body, tag, extra] = sealed.split('.');
  if (body === undefined || tag === undefined || extra !== undefined) throw badCursor();
  const inner = Buffer.from(body, 'base64url').toString('utf8');
  const given = Buffer.from(tag, 'base64url');
  const expected = mac(inner, binding);
  if (given.byteLength !== MAC_BYTES || !timingSafeEqual(given, expected)) throw badCursor();
  // a body that does not survive the round trip (bytes outside base64url) was not made by sealCursor
  if (Buffer.from(inner).toString('base64url') !== body) throw badCursor();
  return inner;
}
