import type { Session } from '../api/types.ts';

/** Where the signed-in session lives: sessionStorage only, gone when the tab closes. */
export const SESSION_KEY = 'console.session';

/** The stored session, if any (read by the session provider and, before anything else loads, by the boot). */
export function readSession(): Session | undefined {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : undefined;
  } catch {
    return undefined;
  }
}
