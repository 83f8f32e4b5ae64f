/**
 * The server's now (GET /health answers it): the local runtime may run simulated time, so a page that picks a
 * default period (this year, the last twelve months) asks the server rather than the browser's clock.
 */
import { useEffect, useState } from 'react';
import { api } from '../../api/endpoints.ts';
import { cst, type dayjs } from '../../time.ts';

/** The server's now in China Standard Time, or undefined until it answered (the browser's if it cannot). */
export function useServerNow() {
  const [now, setNow] = useState<ReturnType<typeof dayjs>>();
  useEffect(() => {
    let current = true;
    api
      .health()
      .then((h) => h.now)
      .catch(() => undefined)
      .then((iso) => current && setNow(cst(iso ?? Date.now())));
    return () => {
      current = false;
    };
  }, []);
  return now;
}
