import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_DIST } from '../../web/ensure-built.ts';
import { validHousehold } from '../support/fixtures.ts';
import { eventually, login, sharedInfrastructure } from '../support/runtime.ts';
import {
  type ConsoleHarness,
  fullIdNumbers,
  HOOK_TIMEOUT,
  JOURNEY_TIMEOUT,
  startConsole,
} from './support/browser.ts';

let h: ConsoleHarness;
beforeAll(async () => {
  h = await startConsole({ timeScale: 1, name: 'console', shared: sharedInfrastructure() });
}, HOOK_TIMEOUT);
afterAll(() => h?.close());

describe('the console at /', { timeout: JOURNEY_TIMEOUT }, () => {
  it('is served with a SPA fallback while /api, /health and /openapi.json answer as before', async () => {
    const index = await fetch(`${h.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    const html = await index.text();
    expect(html).toContain('<div id="root">');
    // the production bundle, whoever built it (vitest sets NODE_ENV=test, which vite would build from): every
    // chunk the console may load, as served, and React among them in its production form
    const entry = html.match(/<script type="module" crossorigin src="([^"]+)"/)?.[1];
    expect(entry).toBeDefined();
    const chunks = readdirSync(join(WEB_DIST, 'assets')).filter((f) => f.endsWith('.js'));
    const served = await Promise.all(chunks.map(async (f) => (await fetch(`${h.url}/assets/${f}`)).text()));
    expect(served.some((js) => js.includes('react.dev/errors/'))).toBe(true);
    expect(served.filter((js) => js.includes('Download the React DevTools'))).toEqual([]);
    // a client-side route gets index.html; a missing asset is a real 404
    expect(await (await fetch(`${h.url}/cases/some-case`)).text()).toBe(html);
    expect((await fetch(`${h.url}/assets/missing.js`)).status).toBe(404);
    const health = await fetch(`${h.url}/health`);
    expect(health.status).toBe(200);
    // the API's clock, which the console counts days left from: simulated, near the runtime's start
    const { now } = (await health.json()) as { now: string };
    expect(Math.abs(Date.parse(now) - h.runtime.now())).toBeLessThan(60_000);
    expect((await fetch(`${h.url}/openapi.json`)).headers.get('content-type')).toMatch(/json/);
    const unknownApi = await fetch(`${h.url}/api/nothing-here`);
    expect(unknownApi.status).toBe(404);
    expect(await unknownApi.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('signs a reviewer in, shows role and jurisdiction and the role menu, switches language, signs out', async () => {
    const tab = await h.open();
    await tab.page.goto(`${h.url}/inbox`);
    // signed out: any page redirects to login
    await tab.page.getByLabel('用户名').waitFor();
    expect(new URL(tab.page.url()).pathname).toBe('/login');
    await tab.check('login');

    await tab.signIn('township');
    expect(new URL(tab.page.url()).pathname).toBe('/inbox');
    await expect(tab.page.getByTestId('session-role').textContent()).resolves.toBe('乡镇审核人');
    await expect(tab.page.getByTestId('session-jurisdiction').textContent()).resolves.toContain('611002100');
    const menu = tab.page.getByRole('navigation').getByRole('menuitem');
    await expect(menu.allTextContents()).resolves.toEqual(['待办任务', '案件查询']);
    const token = await tab.page.evaluate("sessionStorage.getItem('console.session')");
    expect(token).toContain('"role":"township_reviewer"');
    await tab.check('signed-in');

    await tab.page.getByRole('button', { name: 'English' }).click();
    await expect(menu.allTextContents()).resolves.toEqual(['Inbox', 'Cases']);
    await tab.page.getByRole('button', { name: '中文' }).click();

    await tab.page.getByRole('button', { name: /退出登录/ }).click();
    await tab.page.getByLabel('用户名').waitFor();
    expect(await tab.page.evaluate("sessionStorage.getItem('console.session')")).toBeNull();
    await tab.close();
  });

  it("shows the API's message for a wrong password, and each role its own menu", async () => {
    const tab = await h.open();
    await tab.page.goto(`${h.url}/login`);
    await tab.page.getByLabel('用户名').fill('county');
    await tab.page.getByLabel('密码').fill('wrong');
    await tab.page.getByRole('button', { name: /登\s*录/ }).click();
    await expect(tab.page.getByRole('alert').textContent()).resolves.toContain('wrong username or password');
    await tab.check('login-error');
    await tab.signIn('applicant');
    const menu = tab.page.getByRole('navigation').getByRole('menuitem');
    await expect(menu.allTextContents()).resolves.toEqual(['案件查询', '新建申请']);
    await tab.close();
  });

  it("starts a signed-in deep link's first GETs before the console's code has loaded, and asks each once", async () => {
    const tab = await h.open();
    await tab.signIn('village');
    // the page signing in lands on (the village's inbox) asks for its own tasks: gone before counting starts
    await tab.page.goto('about:blank');
    const seen: { what: string; at: number }[] = [];
    const started = performance.now();
    const at = () => performance.now() - started;
    tab.page.on('request', (r) =>
      seen.push({ what: `start ${new URL(r.url()).pathname}${new URL(r.url()).search}`, at: at() }),
    );
    tab.page.on('requestfinished', (r) => seen.push({ what: `end ${new URL(r.url()).pathname}`, at: at() }));

    await tab.page.goto(`${h.url}/inbox`);
    await tab.page.getByRole('table').waitFor();

    const starts = (what: string) => seen.filter((s) => s.what === `start ${what}`);
    expect(starts('/api/tasks?limit=20')).toHaveLength(1);
    expect(starts('/health')).toHaveLength(1);
    // the app's own code (React, Ant Design: the main chunk) was still on its way when the inbox was asked for
    const mainLoaded = seen.find((s) => /^end \/assets\/main-.*\.js$/.test(s.what));
    expect(mainLoaded).toBeDefined();
    expect(starts('/api/tasks?limit=20')[0]!.at).toBeLessThan(mainLoaded!.at);
    await tab.close();
  });

  it('draws a deep-linked inbox and case in their first render when their answers came before the code', async () => {
    const applicant = await login(h.url, 'applicant');
    const village = await login(h.url, 'village');
    const filed = await applicant.post<{ caseId: string }>('/api/cases', {
      procedure: 'identification',
      household: validHousehold(61_001),
    });
    expect(filed.status).toBe(201);
    const { caseId } = filed.body;
    await eventually(async () => {
      const c = await village.get<{ openTaskId?: string }>(`/api/cases/${caseId}`);
      return c.body.openTaskId;
    });
    const tab = await h.open();
    await tab.signIn('village');
    // the app's own code arrives well after the page's first answers
    await tab.page.route(/\/assets\/main-.*\.js$/, async (route) => {
      await new Promise((r) => setTimeout(r, 500));
      await route.continue();
    });
    // what the page showed before its content: a table loading or empty, a spinner
    await tab.page.addInitScript(`(() => {
      window.__before = [];
      new MutationObserver(() => {
        if (document.querySelector('tbody tr[data-row-key], [data-testid="timeline-record"]')) return;
        for (const sel of ['.ant-spin', '.ant-table-placeholder'])
          if (document.querySelector(sel) && !window.__before.includes(sel)) window.__before.push(sel);
      }).observe(document, { childList: true, subtree: true });
    })()`);
    const shownBefore = () => tab.page.evaluate('window.__before') as Promise<string[]>;

    await tab.page.goto(`${h.url}/inbox`);
    await tab.page.locator('tbody tr[data-row-key]').first().waitFor();
    expect(await shownBefore()).toEqual([]);

    await tab.page.goto(`${h.url}/cases/${caseId}`);
    await tab.page.getByTestId('timeline-record').first().waitFor();
    expect(await shownBefore()).toEqual([]);
    await tab.check('first-render');
    await tab.close();
  });

  it("draws a deep link's page with the build's sheet of its Ant Design styles, generating none of them", async () => {
    const tab = await h.open();
    await tab.signIn('village');
    // the theme the build renders the sheets with (the harness's tabs ask for reduced motion, which has no sheet)
    await tab.page.emulateMedia({ reducedMotion: 'no-preference' });
    await tab.page.goto(`${h.url}/inbox`);
    await tab.page.getByRole('table').waitFor();
    const styles = (await tab.page.evaluate(`(() => ({
      sheets: [...document.querySelectorAll('link[rel=stylesheet]')].map((l) => new URL(l.href).pathname),
      generated: [...document.querySelectorAll('style')].map((s) => s.textContent),
      table: getComputedStyle(document.querySelector('.ant-table')).fontSize,
    }))()`)) as { sheets: string[]; generated: string[]; table: string };
    expect(styles.sheets).toEqual([expect.stringMatching(/^\/assets\/inbox-[0-9a-f]{8}\.css$/)]);
    // the table, the menu and the buttons are styled from the sheet: no style of theirs was generated in the page
    for (const part of ['ant-table', 'ant-menu', 'ant-btn'])
      expect(styles.generated.filter((css) => css?.includes(`:where(`) && css.includes(`.${part}`))).toEqual(
        [],
      );
    expect(styles.table).toBe('14px');
    await tab.check('inbox-sheet');
    await tab.close();
  });

  it('finds full ID numbers but not masked ones or digits inside a hash', () => {
    expect(fullIdNumbers('{"idNumber":"61100219800101001X"}')).toEqual([]);
    expect(fullIdNumbers('id 611002198001010010 here')).toEqual(['611002198001010010']);
    expect(fullIdNumbers('611002********0010')).toEqual([]);
    expect(fullIdNumbers('ab611002198001010010cd')).toEqual([]);
  });
});
