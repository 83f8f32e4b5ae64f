import { useCallback, useEffect, useState } from 'react';
import { request } from '../../api/client.ts';

/**
 * A paged report (stuck cases, overdue tasks): its first page whenever `query` changes, and the next pages on
 * request, appended. The query's empty values are left out, so the first GET is exactly the one the boot may
 * have started (first-load.ts).
 */
export function useReportPages<T>(path: string, query: Record<string, string | number | undefined>) {
  const [rows, setRows] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>();
  const key = JSON.stringify(query);
  // keyed by the query's value, not by the object the caller builds on every render
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  const load = useCallback(
    async (after: string | undefined) => {
      setLoading(true);
      setError(undefined);
      try {
        const page = await request<{ items: T[]; cursor?: string }>('GET', path, {
          query: { ...query, cursor: after },
        });
        setRows((prev) => (after ? [...prev, ...page.items] : page.items));
        setCursor(page.cursor);
      } catch (e) {
        setError(e);
      } finally {
        setLoading(false);
      }
    },
    [path, key],
  );
  useEffect(() => {
    void load(undefined);
  }, [load]);
  return { rows, cursor, loading, error, more: () => load(cursor) };
}
