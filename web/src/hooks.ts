import { useCallback, useEffect, useRef, useState } from 'react';
import { type Peeked, peek, takePeeked } from './api/client.ts';

/**
 * Loads `load()` now and whenever `deps` change; `reload` fetches again. Stale answers are dropped. A first load
 * whose answers are already in hand (a deep link's, prefetched by the boot: `peek`) draws in the first render, with
 * no render that shows it loading.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]) {
  // the answers the first render drew with, used up by the first effect (a render React drops never gets there)
  const drawnWith = useRef<Peeked<T> | undefined>(undefined);
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>(() => {
    const peeked = peek(load);
    drawnWith.current = peeked;
    return peeked ? { data: peeked.value, loading: false } : { loading: true };
  });
  const seq = useRef(0);
  // The caller names what the load depends on; `load` itself is a new closure on every render.
  const key = JSON.stringify(deps);
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the caller's dependencies, see above
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await load();
      if (mine === seq.current) setState({ data, loading: false });
    } catch (error) {
      if (mine === seq.current) setState({ error, loading: false });
    }
  }, [key]);
  useEffect(() => {
    const drawn = drawnWith.current;
    drawnWith.current = undefined;
    if (drawn) takePeeked(drawn);
    else void reload();
  }, [reload]);
  return { ...state, reload };
}
