/**
 * The server's now (GET /health answers it): the local runtime may run simulated time, so a page that picks a
 * default period (this year, the last twelve months) asks the server rather than the browser's clock.
 */
import { useMemo } from 'react';
import { optional } from '../../api/client.ts';
import { api } from '../../api/endpoints.ts';
import { useLoad } from '../../hooks.ts';
import { cst, type dayjs } from '../../time.ts';

/**
 * The server's now in China Standard Time, or undefined until it answered (the browser's if it cannot); in the
 * first render when the boot's GET /health has already answered.
 */
export function useServerNow(): ReturnType<typeof dayjs> | undefined {
  const { data, loading } = useLoad(() => optional(api.health()), []);
  const iso = data?.now;
  return useMemo(() => (loading ? undefined : cst(iso ?? Date.now())), [loading, iso]);
}
