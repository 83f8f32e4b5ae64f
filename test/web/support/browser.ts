import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type Runtime, type RuntimeOptions, startRuntime } from '../../../local/runtime.ts';
import { residentIdProblem } from '../../../schemas/resident-id.ts';
import { ensureWebBuilt, WEB_DIST } from '../../../web/ensure-built.ts';

export const CHROMIUM = '/usr/bin/chromium';
/** Flags for a quiet headless Chromium that reaches nothing but the test runtime. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const VIEWPORT = { width: 1366, height: 768 };
/**
 * A runtime, a browser and a few sign-ins take 20 s on an idle machine and several times that on a shared,
 * loaded one; a journey step drives a page and waits for the workflow behind it.
 */
export const HOOK_TIMEOUT = 300_000;
export const JOURNEY_TIMEOUT = 180_000;
/** Test output, git-ignored: screenshots of every journey step. */
export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'screenshots');

/**
 * Debian's Chromium, installed with apt when missing (never Playwright's own downloader). apt's lock timeout
 * makes a second test file wait for the first one's install instead of failing.
 */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  const install = () =>
    execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', 'chromium'], {
      stdio: 'inherit',
    });
  try {
    install();
  } catch {
    execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'update'], { stdio: 'inherit' });
    install();
  }
  return CHROMIUM;
}

/**
 * A full 18-digit resident ID with a valid birth date and check digit, standing alone (not inside a longer
 * run of letters and digits such as a hash). Masked IDs (`611002********1234`) never match.
 */
export function fullIdNumbers(text: string): string[] {
  const found = text.match(/(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])/g) ?? [];
  return found.filter((id) => residentIdProblem(id) === null);
}

/**
 * Waits until the page has drawn what it loads: the app mounted and no antd spin or skeleton left (a lazy page's
 * fallback, a table or card loading its data, a page busy drawing the rest of what it loaded).
 */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    "document.querySelector('#root > *') && !document.querySelector('.ant-spin-spinning, .ant-skeleton-active, [aria-busy=\"true\"]')",
    null,
    { timeout: 30_000 },
  );
}

const require = createRequire(import.meta.url);
let axeSource: Promise<string> | undefined;

export interface Violation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** One signed-in (or signed-out) tab with everything a journey checks about it. */
export interface UserTab {
  page: Page;
  /** console errors and uncaught page errors since the tab opened */
  consoleErrors: string[];
  /** the bodies of every /api and /health response the page received */
  apiBodies: string[];
  signIn(username: string): Promise<void>;
  /** axe-core's serious and critical violations on the page as it stands */
  axe(): Promise<Violation[]>;
  /**
   * What every journey step asserts: no console error, no full ID number in the DOM or any API response so far,
   * axe clean; then a 1366×768 screenshot named `name`.
   */
  check(name: string): Promise<void>;
  close(): Promise<void>;
}

export interface ConsoleHarness {
  runtime: Runtime;
  browser: Browser;
  url: string;
  open(username?: string): Promise<UserTab>;
  /** screenshots of every open tab, for a failed test: `<name>-failed-<n>.png` */
  screenshotAll(name: string): Promise<void>;
  /** closes every tab, the browser and the runtime this harness started */
  close(): Promise<void>;
}

/**
 * The console against a real local runtime: builds web/dist when its sources changed, starts the runtime
 * (engine, HTTP server serving the console; its own DynamoDB Local unless `shared` names one) and one Chromium
 * for the test file.
 */
export async function startConsole(opts: {
  timeScale: number;
  startAt?: number;
  /** prefix of this file's screenshots */
  name: string;
  /** what the runtime shares with others (a test run's sharedInfrastructure()) */
  shared?: Pick<RuntimeOptions, 'templates' | 'dynamoDb'>;
  /** the console's files as a deployment serves them; default the build, web/dist */
  staticDir?: string;
}): Promise<ConsoleHarness> {
  const executablePath = ensureChromium();
  await ensureWebBuilt();
  const runtime = await startRuntime({
    port: 0,
    timeScale: opts.timeScale,
    startAt: opts.startAt ?? Date.parse('2026-11-02T09:00:00+08:00'),
    staticDir: opts.staticDir ?? WEB_DIST,
    ...opts.shared,
  });
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  } catch (e) {
    await runtime.stop();
    throw e;
  }
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const contexts = new Set<BrowserContext>();

  const open = async (username?: string): Promise<UserTab> => {
    const context = await browser.newContext({
      viewport: VIEWPORT,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      // no fading toast or dialog for axe to judge half-drawn (the console honours reduced motion)
      reducedMotion: 'reduce',
    });
    contexts.add(context);
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    const apiBodies: string[] = [];
    const pending = new Set<Promise<void>>();
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      // Chromium logs every 4xx answer as a failed resource; an API's 4xx is an answer the page shows.
      const isApi4xx = m.location().url.startsWith(`${runtime.url}/api/`) && /status of 4\d\d/.test(m.text());
      if (!isApi4xx) consoleErrors.push(`${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('response', (res) => {
      const path = new URL(res.url()).pathname;
      if (!path.startsWith('/api/') && path !== '/health') return;
      const read = res
        .text()
        .then((body) => void apiBodies.push(body))
        .catch(() => {})
        .finally(() => pending.delete(read));
      pending.add(read);
    });

    const tab: UserTab = {
      page,
      consoleErrors,
      apiBodies,
      async signIn(user) {
        await page.goto(`${runtime.url}/login`);
        await page.getByLabel('用户名').fill(user);
        await page.getByLabel('密码').fill('demo');
        await page.getByRole('button', { name: /登\s*录/ }).click();
        await page.getByTestId('session-user').waitFor();
      },
      async axe() {
        axeSource ??= readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
        await page.addScriptTag({ content: await axeSource });
        // evaluated in the page, where the script tag defined `axe`
        const results = (await page.evaluate('axe.run().then((r) => r.violations)')) as {
          id: string;
          impact: string;
          help: string;
          nodes: { target: string[] }[];
        }[];
        return results
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            targets: v.nodes.map((n) => n.target.join(' ')),
          }));
      },
      async check(name) {
        await Promise.all(pending);
        // a table or card still loading is drawn faded (antd's spin): on a slow machine axe would judge the fade
        await settled(page);
        await Promise.all(pending);
        const problems: string[] = [];
        if (consoleErrors.length) problems.push(`console errors: ${consoleErrors.join(' | ')}`);
        const inDom = fullIdNumbers(await page.content());
        if (inDom.length) problems.push(`full ID numbers in the DOM: ${inDom.join(', ')}`);
        const inApi = apiBodies.flatMap(fullIdNumbers);
        if (inApi.length) problems.push(`full ID numbers in API responses: ${inApi.join(', ')}`);
        const violations = await tab.axe();
        if (violations.length) problems.push(`axe: ${JSON.stringify(violations)}`);
        await page.screenshot({ path: join(SCREENSHOT_DIR, `${opts.name}-${name}.png`) });
        if (problems.length) throw new Error(`${name}: ${problems.join('\n')}`);
      },
      async close() {
        contexts.delete(context);
        await context.close();
      },
    };
    if (username) await tab.signIn(username);
    return tab;
  };

  return {
    runtime,
    browser,
    url: runtime.url,
    open,
    async screenshotAll(name) {
      let n = 0;
      for (const c of contexts) {
        for (const p of c.pages()) {
          await p
            .screenshot({ path: join(SCREENSHOT_DIR, `${opts.name}-${name}-failed-${++n}.png`) })
            .catch(() => {});
        }
      }
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close().catch(() => {});
      await runtime.stop();
    },
  };
}
