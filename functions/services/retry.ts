import { DomainError } from '../core/errors.ts';

/**
 * Runs a read-decide-write step again when its write lost a race on the case version: steps of the
 * workflow must not fail because a reviewer claimed a task a moment earlier.
 */
export async function retryOnStaleVersion<T>(fn: () => Promise<T>, attempts = 6): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      const stale =
        e instanceof DomainError &&
        e.code === 'conflict' &&
        (e.details.length === 0 || e.details.some((d) => d.rule === 'version'));
      if (!stale || i >= attempts) throw e;
      await new Promise((r) => setTimeout(r, 5 * i + Math.random() * 20));
    }
  }
}
