/**
 * The console part of `npm run bench` (issue 10): the built console on a local runtime, driven by Playwright in
 * Debian's Chromium with the CPU throttled 4× (a modest laptop), from a cold cache each time (and again on return
 * visits, the cache kept from the visit before, reported apart):
 * - navigation → an interactive inbox of 50 tasks, its first page of rows shown (target ≤ 1.5 s);
 * - navigation → a case detail with a 40-record timeline (≤ 1 s);
 * - navigation → the auditor dashboard over a year of BENCH_CONSOLE_CASES (default 10⁴) seeded cases, every
 *   chart drawn (≤ 2 s), the scheduled timing-samples job run once after seeding; its first visit reported apart;
 * - the JavaScript the first page load fetches, gzip (≤ 350 KB), and the dashboard's own chunk.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium, type Page } from 'playwright-core';
import { Store } from '../functions/store/store.ts';
import { startRuntime } from '../local/runtime.ts';
import { validHousehold } from '../test/support/fixtures.ts';
import { type ApiClient, login } from '../test/support/runtime.ts';
import { ensureChromium, VIEWPORT } from '../test/web/support/browser.ts';
import { ensureWebBuilt, WEB_DIST } from '../web/ensure-built.ts';
import { seedCounty } from './seed.ts';
import { sum } from './stats.ts';
import { VOLUME_NOW } from './volume.ts';

/** Chromium's CPU throttling: 4× slower than this machine. */
const CPU_THROTTLE = 4;
const INBOX_TASKS = 50;
/** The inbox's page: the rows an inbox of INBOX_TASKS tasks shows first. */
const INBOX_PAGE_ROWS = 20;
const TIMELINE_RECORDS = 40;

export const CONSOLE_TARGETS = {
  inboxMs: 1500,
  caseDetailMs: 1000,
  dashboardMs: 2000,
  firstLoadJsGzipKb: 350,
} as const;

export interface ConsoleFigures {
  cpuThrottle: number;
  seededCases: number;
  /** navigation → an inbox of 50 tasks, its first page shown (median of `repeats`; null: never ready, see notMeasured) */
  inboxMs: number | null;
  /** navigation → a case detail with its 40 timeline records shown */
  caseDetailMs: number | null;
  /** navigation → every dashboard chart drawn, the settled months' samples already stored */
  dashboardMs: number | null;
  /** the same, on the first visit (after the scheduled job stored the samples, as any visit is) */
  dashboardFirstMs: number | null;
  /**
   * The same three on a return visit: the browser's cache kept from an earlier visit, as a clerk's is from the day
   * before (the hashed assets are cached for good, the page revalidated: web/serving.ts)
   */
  inboxReturnMs: number | null;
  caseDetailReturnMs: number | null;
  dashboardReturnMs: number | null;
  /** gzip size of the JavaScript the login page (the first load) fetches */
  firstLoadJsGzipKb: number;
  /** gzip size of the JavaScript only the dashboard fetches (ECharts and the page) */
  dashboardJsGzipKb: number;
  targets: typeof CONSOLE_TARGETS;
  /** the figures over their target, by name */
  overTarget: string[];
  /** pages that never became ready (null above), and why */
  notMeasured: Record<string, string>;
}

export interface ConsoleBenchOptions {
  cases: number;
  /** timed navigations per page, the median reported */
  repeats: number;
  log: (line: string) => void;
}

/** A tab from a cold cache with the CPU throttled; records the gzip size of every script it fetches. */
async function throttledTab(browser: Browser) {
  const context = await browser.newContext({
    viewport: VIEWPORT,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const scripts = new Map<string, number>();
  const reading = new Set<Promise<void>>();
  page.on('response', (res) => {
    if (res.request().resourceType() !== 'script') return;
    const read = res
      .body()
      .then((body) => void scripts.set(new URL(res.url()).pathname, gzipSync(body, { level: 9 }).length))
      .catch(() => {})
      .finally(() => reading.delete(read));
    reading.add(read);
  });
  return {
    page,
    scripts,
    /** every script body read so far: the page may be done before its response handlers are */
    read: () => Promise.all(reading),
    throttle: (on: boolean) => cdp.send('Emulation.setCPUThrottlingRate', { rate: on ? CPU_THROTTLE : 1 }),
    /** the browser's cache on (a return visit) or off (a first visit: every navigation fetches everything) */
    cache: (on: boolean) => cdp.send('Network.setCacheDisabled', { cacheDisabled: !on }),
    close: () => context.close(),
  };
}

/** Signs in through the login page, unthrottled and untimed. */
async function signIn(page: Page, url: string, username: string) {
  await page.goto(`${url}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill('demo');
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByTestId('session-user').waitFor();
}

/** Milliseconds from navigation start until `ready` resolves. */
async function timedNavigation(page: Page, url: string, ready: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await ready();
  return performance.now() - started;
}

/**
 * Resolves once `selector` matches at least `count` elements and the last of them is visible, checked on every
 * animation frame in the page. A locator's waitFor would poll at 0, 20, 50, 100 and 100 ms, then every 500 ms: it
 * adds up to half a second to a page already drawn, and a page's figure would jump by that step.
 */
const shown = (page: Page, selector: string, count = 1) =>
  page.waitForFunction(
    `(() => {
      const all = document.querySelectorAll(${JSON.stringify(selector)});
      return all.length >= ${count} && all[${count - 1}].checkVisibility();
    })()`,
    undefined,
    { polling: 'raf' },
  );

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

/** Files INBOX_TASKS cases in the village (each opens a village-review task), and returns the first case's id. */
async function fileCases(applicant: ApiClient): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < INBOX_TASKS; i++) {
    const res = await applicant.post<{ caseId: string }>('/api/cases', {
      procedure: 'identification',
      // sequence numbers 100+ (the seed uses 0–2): no person is already in a seeded open case
      household: validHousehold(70_100 + i),
    });
    if (res.status !== 201) throw new Error(`bench console: file ${res.status} ${JSON.stringify(res.body)}`);
    ids.push(res.body.caseId);
  }
  return ids;
}

/** Claims and unclaims the case's open task until its timeline holds TIMELINE_RECORDS records. */
async function growTimeline(village: ApiClient, caseId: string): Promise<void> {
  for (;;) {
    const c = await village.get<{ openTaskId?: string; timeline: unknown[] }>(`/api/cases/${caseId}`);
    if (c.body.timeline.length >= TIMELINE_RECORDS) return;
    if (!c.body.openTaskId) {
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    const claimed = c.body.timeline.length % 2 === 0 ? 'claim' : 'unclaim';
    await village.post(`/api/tasks/${c.body.openTaskId}/${claimed}`);
  }
}

export async function consoleBench(opts: ConsoleBenchOptions): Promise<ConsoleFigures> {
  const executablePath = ensureChromium();
  await ensureWebBuilt(opts.log);
  // on tmpfs when there is one: DynamoDB Local syncs every write to disk, which a thrown-away dataset does not need
  const dataDir = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'bench-console-'));
  const rt = await startRuntime({ port: 0, dataDir, timeScale: 1, startAt: VOLUME_NOW, staticDir: WEB_DIST });
  let browser: Browser | undefined;
  try {
    opts.log(`console: seeding ${opts.cases} cases for the dashboard…`);
    const seed = await seedCounty({
      store: Store.fromEnv(),
      cases: opts.cases,
      now: VOLUME_NOW,
      stateMachineArn: process.env.IDENTIFICATION_STATE_MACHINE_ARN!,
      log: opts.log,
    });
    // what the hourly schedule would have stored over the seeded year (the timing samples)
    await rt.runSchedules();
    const village = await login(rt.url, 'village');
    const ids = await fileCases(await login(rt.url, 'applicant'));
    await growTimeline(village, ids[0]!);
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu'],
    });

    // First load: the login page from a cold cache, as a clerk opening the console.
    const first = await throttledTab(browser);
    await first.page.goto(`${rt.url}/login`, { waitUntil: 'networkidle' });
    await first.read();
    const firstLoadJs = sum(first.scripts.values());
    await first.close();

    const notMeasured: Record<string, string> = {};
    /**
     * Timed navigations to `path` as `user` from a cold cache: their median, and the scripts the last one fetched;
     * then, with `returnVisits`, as many on return visits (the cache kept from one untimed visit): their median.
     */
    const measure = async (
      name: string,
      user: string,
      path: string,
      ready: (page: Page) => Promise<unknown>,
      repeats = opts.repeats,
      returnVisits = true,
    ) => {
      const tab = await throttledTab(browser!);
      try {
        await signIn(tab.page, rt.url, user);
        const url = `${rt.url}${path}`;
        /** `repeats` throttled navigations from a blank page: their median; `tab.scripts` holds the last one's */
        const visits = async () => {
          const ms: number[] = [];
          for (let i = 0; i < repeats; i++) {
            await tab.page.goto('about:blank');
            tab.scripts.clear();
            await tab.throttle(true);
            ms.push(await timedNavigation(tab.page, url, () => ready(tab.page)));
            await tab.throttle(false);
          }
          return Math.round(median(ms));
        };
        const ms = await visits();
        await tab.read();
        const scripts = new Map(tab.scripts);
        if (!returnVisits) return { ms, returnMs: null, scripts };
        // one untimed visit fills the cache, as the visit of the day before did
        await tab.cache(true);
        await tab.page.goto(url);
        await ready(tab.page);
        return { ms, returnMs: await visits(), scripts };
      } catch (e) {
        notMeasured[name] = e instanceof Error ? e.message.split('\n')[0]! : String(e);
        return { ms: null, returnMs: null, scripts: new Map<string, number>() };
      } finally {
        await tab.close();
      }
    };

    const inbox = await measure('inboxMs', 'village', '/inbox', (page) =>
      shown(page, 'tbody tr[data-row-key]', INBOX_PAGE_ROWS),
    );
    const detail = await measure('caseDetailMs', 'village', `/cases/${ids[0]}`, (page) =>
      shown(page, '[data-testid="timeline-record"]', TIMELINE_RECORDS),
    );
    // both charts (web/src/pages/dashboard/chart.tsx: an img named by its title) drawn
    const dashboardReady = (page: Page) =>
      Promise.all([
        shown(page, '[role="img"][aria-label*="各环节用时分位数"] svg'),
        shown(page, '[role="img"][aria-label*="超时分布"] svg'),
      ]);
    const dashboardFirst = await measure(
      'dashboardFirstMs',
      'auditor',
      '/dashboard',
      dashboardReady,
      1,
      false,
    );
    const dashboard = await measure('dashboardMs', 'auditor', '/dashboard', dashboardReady);
    const dashboardOnly = [...dashboard.scripts.entries()].filter(([path]) => !first.scripts.has(path));

    const figures: ConsoleFigures = {
      cpuThrottle: CPU_THROTTLE,
      seededCases: seed.cases,
      inboxMs: inbox.ms,
      caseDetailMs: detail.ms,
      dashboardMs: dashboard.ms,
      dashboardFirstMs: dashboardFirst.ms,
      inboxReturnMs: inbox.returnMs,
      caseDetailReturnMs: detail.returnMs,
      dashboardReturnMs: dashboard.returnMs,
      firstLoadJsGzipKb: kb(firstLoadJs),
      dashboardJsGzipKb: kb(sum(dashboardOnly.map(([, size]) => size))),
      targets: CONSOLE_TARGETS,
      overTarget: [],
      notMeasured,
    };
    figures.overTarget = (Object.keys(CONSOLE_TARGETS) as (keyof typeof CONSOLE_TARGETS)[]).filter(
      (k) => (figures[k] ?? 0) > CONSOLE_TARGETS[k],
    );
    return figures;
  } finally {
    await browser?.close();
    await rt.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The figures as lines for the console. */
export function consoleLines(f: ConsoleFigures): string[] {
  const mark = (k: keyof typeof CONSOLE_TARGETS) => (f.overTarget.includes(k) ? ' OVER TARGET' : '');
  return [
    `console (Chromium, CPU throttled ${f.cpuThrottle}×, cold cache):`,
    `  inbox of ${INBOX_TASKS} tasks, first ${INBOX_PAGE_ROWS} rows interactive: ${f.inboxMs} ms (target ≤ ${CONSOLE_TARGETS.inboxMs})${mark('inboxMs')}`,
    `  case detail, ${TIMELINE_RECORDS}-record timeline: ${f.caseDetailMs} ms (target ≤ ${CONSOLE_TARGETS.caseDetailMs})${mark('caseDetailMs')}`,
    `  auditor dashboard, a year of ${f.seededCases} cases: ${f.dashboardMs} ms (target ≤ ${CONSOLE_TARGETS.dashboardMs}; first visit: ${f.dashboardFirstMs} ms)${mark('dashboardMs')}`,
    `  first-load JavaScript: ${f.firstLoadJsGzipKb} KB gzip (target ≤ ${CONSOLE_TARGETS.firstLoadJsGzipKb}); the dashboard's own: ${f.dashboardJsGzipKb} KB gzip${mark('firstLoadJsGzipKb')}`,
    `  return visits (cache kept from the visit before): inbox ${f.inboxReturnMs} ms, case detail ${f.caseDetailReturnMs} ms, dashboard ${f.dashboardReturnMs} ms`,
    ...Object.entries(f.notMeasured).map(([name, why]) => `  not measured ${name}: ${why}`),
  ];
}
