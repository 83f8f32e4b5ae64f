/**
 * The console's entry: before the app's own code (React, Ant Design) is even fetched, a signed-in deep link starts
 * loading its page's chunk and the page's first API answers (first-load.ts), then the app loads.
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
  for (const path of first.requests) prefetch(path, session.token);
  // the same import the page's React.lazy makes: the chunk is fetched once
  first.load().catch(() => undefined);
}
void import('./main.tsx');
