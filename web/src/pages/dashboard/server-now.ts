/**
 * The server's now (GET /health answers it): the local runtime may run simulated time, so a page that picks a
 * default period (this year, the last twelve months) asks the server rather than the browser's clock.
 */
import { useEffect, useState } from 'react';
import { api } from '../../api/endpoints.ts';
import { CHINA_TZ, dayjs } from '../../time.ts';

/** The server's now in China Standard Time, or undefined until it answered (the browser's if it cannot). */
export function useServerNow() {
  const [now, setNow] = useState<ReturnType<typeof dayjs>>();
  useEffect(() => {
    let current = true;
    api
      .health()
      .then((h) => h.now)
      .catch(() => undefined)
      .then((iso) => current && setNow(dayjs(iso ?? Date.now()).tz(CHINA_TZ)));
    return () => {
      current = false;
    };
  }, []);
  return now;
}
