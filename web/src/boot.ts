/**
 * The console's entry: before the app's own code (React, Ant Design) is even fetched, a signed-in deep link starts
 * loading its page's chunk and the page's first API answers (first-load.ts), and those that follow from the
 * server's now, and its Ant Design style sheet (web/page-styles.ts); then the app loads, and draws once the sheet has.
 */
import { PAGE_SHEETS_ID } from '../serving.ts';
import { prefetch } from './api/client.ts';
import { readSession } from './auth/stored-session.ts';
import { firstLoadOf } from './first-load.ts';
import { routingOf } from './routing.ts';
import { prefersMotion } from './theme.ts';

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
    ?.then((health) => {
      const iso = (health as { now?: string } | undefined)?.now;
      const now = iso ? Date.parse(iso) : Number.NaN;
      if (afterNow && Number.isFinite(now)) for (const path of afterNow(now)) prefetch(path, session.token);
    })
    .catch(() => undefined);
  // the same import the page's React.lazy makes: the chunk is fetched once
  first.load().catch(() => undefined);
}

/**
 * The page's sheet, loaded before the app first draws: Ant Design reads which styles a file holds once, at its first
 * style. None for a user who asks for reduced motion (a theme of its own, not the one the build rendered); one that
 * fails to load is removed, and Ant Design generates every style as without it.
 */
function pageSheet(): Promise<void> {
  const named = document.getElementById(PAGE_SHEETS_ID)?.textContent;
  const href =
    first && named && prefersMotion()
      ? (JSON.parse(named) as Record<string, string>)[first.sheet]
      : undefined;
  if (!href) return Promise.resolve();
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = href;
  return new Promise((resolve) => {
    link.onload = () => resolve();
    link.onerror = () => {
      link.remove();
      resolve();
    };
    document.head.append(link);
  });
}

void Promise.all([import('./main.tsx'), pageSheet()]).then(([main]) => main.start());
