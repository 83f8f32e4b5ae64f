/**
 * The console's entry: before the app's own code (React, Ant Design) is even fetched, a signed-in deep link starts
 * loading its page's chunk and the page's first API answers (first-load.ts), and those that follow from the
 * server's now, then the app loads.
 */
import { prefetch } from './api/client.ts';
import { readSession } from './auth/stored-session.ts';
import { firstLoadOf } from './first-load.ts';
import { routingOf } from './routing.ts';

const session = readSession();
// the console's route: the path, or what follows # where the host cannot serve deep links (routing.ts)
const route =
  routingOf(document) === 'hash' ? window.location.hash.slice(1) || '/' : window.location.pathname;
const first = session && firstLoadOf(route, session.user);
if (session && first) {
  const answers = new Map(first.requests.map((path) => [path, prefetch(path, session.token)]));
  const { afterNow } = first;
  // a page whose first reports depend on the server's now (the dashboard's months) asks for them as soon as
  // /health answers, not after the page has loaded and asked for /health itself
  answers
    .get('/health')
    ?.then((r) => (r.ok ? (r.json() as Promise<{ now?: string }>) : undefined))
    .then((health) => {
      const now = health?.now ? Date.parse(health.now) : Number.NaN;
      if (afterNow && Number.isFinite(now)) for (const path of afterNow(now)) prefetch(path, session.token);
    })
    .catch(() => undefined);
  // the same import the page's React.lazy makes: the chunk is fetched once
  first.load().catch(() => undefined);
}
void import('./main.tsx');
