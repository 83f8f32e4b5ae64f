import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withHashRouting } from '../../infra/constructs/console-hosting.ts';
import { ensureWebBuilt, WEB_DIST } from '../../web/ensure-built.ts';
import { sharedInfrastructure } from '../support/runtime.ts';
import { type ConsoleHarness, HOOK_TIMEOUT, JOURNEY_TIMEOUT, startConsole } from './support/browser.ts';

// The console as the China deployment uploads it: index.html with hash routing, the rest of the build as is.
let site: string;
let h: ConsoleHarness;
beforeAll(async () => {
  await ensureWebBuilt();
  site = mkdtempSync(join(tmpdir(), 'console-cn-'));
  cpSync(WEB_DIST, site, { recursive: true });
  const index = join(site, 'index.html');
  writeFileSync(index, withHashRouting(readFileSync(index, 'utf8')));
  h = await startConsole({ timeScale: 1, name: 'china', shared: sharedInfrastructure(), staticDir: site });
}, HOOK_TIMEOUT);
afterAll(async () => {
  await h?.close();
  if (site) rmSync(site, { recursive: true, force: true });
});

describe('the console behind CloudFront in a China region', { timeout: JOURNEY_TIMEOUT }, () => {
  it('keeps every route after #, so a reload or a shared link only ever asks the host for /', async () => {
    // Arrange: every document the browser asks for, by path (the China host answers only / with the page)
    const tab = await h.open();
    const documents: string[] = [];
    tab.page.on('request', (r) => {
      if (r.resourceType() === 'document') documents.push(new URL(r.url()).pathname);
    });

    // Act: sign in from /, open a page from the menu, reload it, open a deep link to it in a fresh tab
    await tab.page.goto(`${h.url}/`);
    await tab.page.getByLabel('用户名').fill('township');
    expect(new URL(tab.page.url()).hash).toBe('#/login');
    await tab.page.getByLabel('密码').fill('demo');
    await tab.page.getByRole('button', { name: /登\s*录/ }).click();
    await tab.page.getByTestId('session-user').waitFor();
    await tab.page.getByRole('navigation').getByRole('menuitem', { name: '案件查询' }).click();
    await tab.page.waitForURL((u) => u.hash === '#/cases');
    await tab.page.reload();
    await tab.page.getByRole('navigation').getByRole('menuitem', { name: '案件查询' }).waitFor();
    const reloaded = new URL(tab.page.url());
    const shared = await h.open();
    await shared.page.goto(`${h.url}/#/cases`);

    // Assert
    expect(reloaded.pathname).toBe('/');
    expect(reloaded.hash).toBe('#/cases');
    expect(documents.every((p) => p === '/')).toBe(true);
    await shared.page.getByLabel('用户名').waitFor();
    expect(new URL(shared.page.url()).hash).toMatch(/^#\/login/);
    expect(tab.consoleErrors).toEqual([]);
    await tab.check('cases-after-reload');
    await shared.close();
    await tab.close();
  });
});
