import { invalid } from '../core/errors.ts';

/** Opaque paging cursor: the LastEvaluatedKey, base64url JSON. */
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
    { path: 'query.cursor', rule: 'cursor', message: 'not a cursor this API returned' },
  ]);
