import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SEED_COUNTY, seedCounty } from '../../../bench/seed.ts';
import { Store } from '../../../functions/store/store.ts';
import { defaultStageTimings, STAGE_TIMINGS_PATH } from '../../../web/src/report-queries.ts';
import { type ApiClient, login, sharedInfrastructure } from '../../support/runtime.ts';
import {
  type ConsoleHarness,
  fullIdNumbers,
  settled,
  startConsole,
  type UserTab,
} from '../support/browser.ts';

/** The simulated now: the dashboard's default window is the twelve months up to it. */
const NOW = Date.parse('2026-11-30T10:00:00+08:00');
const YEAR = { from: '2025-12', to: '2026-11' };
const CASES = 300;

interface Group {
  key: string;
  count: number;
  breaches: number;
  duration: { p50: number; max: number };
}

let h: ConsoleHarness;
let auditor: ApiClient;
let tab: UserTab;

beforeAll(async () => {
  h = await startConsole({ timeScale: 1, startAt: NOW, name: 'dashboard', shared: sharedInfrastructure() });
  // A year of one county's cases, stored as the services leave them (bench/seed.ts).
  await seedCounty({
    store: Store.fromEnv(),
    cases: CASES,
    now: NOW,
    stateMachineArn: process.env.IDENTIFICATION_STATE_MACHINE_ARN!,
    concurrency: 4,
  });
  // what the hourly timing-samples schedule would have stored over that year
  await h.runtime.runSchedules();
  auditor = await login(h.url, 'auditor');
  tab = await h.open('auditor');
  // building the console (when its sources changed) and starting a runtime take minutes on a loaded machine
}, 300_000);
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await h?.screenshotAll(ctx.task.name.slice(0, 40));
});
afterAll(() => h?.close());

/** The value a summary card shows under its title. */
const statistic = (page: UserTab['page'], title: string) =>
  page.locator('.ant-statistic').filter({ hasText: title }).locator('.ant-statistic-content').textContent();

const days = (hours: number) => String(Math.round((hours / 24) * 10) / 10);
const report = async (query: string) =>
  (await auditor.get<{ groups: Group[] }>(`/api/reports/stage-timings?${query}`)).body.groups;

describe('the auditor dashboard', () => {
  it("shows the year's stage and township percentiles as charts and tables, the same figures as the API", async () => {
    const { page } = tab;
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    // the scheduled job stored the settled months' samples: the reports read those, and the open month's records
    await page
      .getByRole('img', { name: /各环节用时分位数/ })
      .locator('svg')
      .waitFor({ timeout: 90_000 });
    await page
      .getByRole('img', { name: /各乡镇用时分位数/ })
      .locator('svg')
      .waitFor();
    await page
      .getByRole('img', { name: /排队时间与办理时间/ })
      .locator('svg')
      .waitFor();
    const heatmap = page.getByRole('img', { name: /超时分布/ });
    await heatmap.locator('svg').waitFor();
    await tab.check('charts');

    const byStage = await report(`from=${YEAR.from}&to=${YEAR.to}&groupBy=stage`);
    const total = byStage.reduce((n, g) => n + g.count, 0);
    expect(total).toBeGreaterThan(CASES);
    await expect(statistic(page, '环节办结记录')).resolves.toBe(total.toLocaleString('en-US'));
    // the heatmap names every township the county report has
    const townships = (await report(`from=${YEAR.from}&to=${YEAR.to}&groupBy=township`)).map((g) => g.key);
    expect(townships.length).toBeGreaterThan(1);
    for (const t of townships) await heatmap.getByText(t, { exact: true }).waitFor();

    // the numbers behind the chart, as a table
    const stageCard = page.locator('.ant-card').filter({ hasText: '各环节用时分位数' });
    await stageCard.getByRole('tab', { name: '数据表' }).click();
    const village = byStage.find((g) => g.key === 'village_review')!;
    const row = stageCard.getByRole('row').filter({ hasText: '村级民主评议' });
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells.slice(0, 4)).toEqual([
      '村级民主评议',
      String(village.count),
      String(village.breaches),
      days(village.duration.p50),
    ]);
    expect(cells[6]).toBe(days(village.duration.max));
    await tab.check('stage-table');
  });

  it("asks for the year's reports as soon as the server's now is known, once, and the page takes those answers", async () => {
    const { page } = tab;
    const asked: string[] = [];
    const onRequest = (r: { url(): string }) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/api/')) asked.push(`${url.pathname}${url.search}`);
    };
    page.on('request', onRequest);
    await page.reload();
    await page
      .getByRole('img', { name: /各乡镇用时分位数/ })
      .locator('svg')
      .waitFor({ timeout: 90_000 });
    // what lies below the charts mounts once they are drawn, and asks for its own reports then
    await settled(page);
    await page.waitForLoadState('networkidle');
    page.off('request', onRequest);
    const timings = asked.filter((path) => path.startsWith(STAGE_TIMINGS_PATH));
    // the boot's requests are exactly the page's: had they differed, the page would have asked again (four)
    expect(timings.sort()).toEqual(defaultStageTimings(SEED_COUNTY, NOW).sort());
    // and they left before the page's own code asked for anything it does not prefetch
    const overdue = asked.findIndex((path) => path.startsWith('/api/reports/overdue'));
    expect(overdue).toBeGreaterThan(-1);
    expect(asked.indexOf(timings[0]!)).toBeLessThan(overdue);
    expect(asked.indexOf(timings[1]!)).toBeLessThan(overdue);
  });

  it('narrows the window by keyboard and reloads every report for it', async () => {
    const { page } = tab;
    const from = page.locator('#dashboard-months');
    await from.click();
    await from.fill('2026-06');
    await page.keyboard.press('Enter');
    const to = page.getByPlaceholder('结束月份');
    await to.fill('2026-08');
    const reloaded = page.waitForResponse((r) => r.url().includes('from=2026-06&to=2026-08'));
    await page.keyboard.press('Enter');
    await reloaded;
    const summer = await report('from=2026-06&to=2026-08&groupBy=stage');
    const total = summer.reduce((n, g) => n + g.count, 0);
    await expect.poll(() => statistic(page, '环节办结记录')).toBe(total.toLocaleString('en-US'));
    await tab.check('window');
  });

  it('exports a report as CSV: UTF-8 with BOM, Chinese headers, no full ID number', async () => {
    const { page } = tab;
    const stageCard = page.locator('.ant-card').filter({ hasText: '各环节用时分位数' });
    const download = page.waitForEvent('download');
    await stageCard.getByRole('button', { name: /导出 CSV/ }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('stage-timings-611002-2026-06-2026-08.csv');
    const csv = await readFile((await file.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.split('\r\n')[0]).toContain('环节');
    expect(csv).toContain('村级民主评议');
    expect(fullIdNumbers(csv)).toEqual([]);
    await page.getByText(/已导出：stage-timings-611002-2026-06-2026-08\.csv/).waitFor();

    const breachCard = page.locator('.ant-card').filter({ hasText: '超时分布' });
    const breaches = page.waitForEvent('download');
    await breachCard.getByRole('button', { name: /导出 CSV/ }).click();
    const breachCsv = await readFile((await (await breaches).path())!, 'utf8');
    expect(breachCsv.split('\r\n')[0]).toContain('超期天数');
    await page.getByText(/已导出：sla-breaches-611002\.csv/).waitFor();
    await tab.check('exported');
  });

  it('lists the cases idle for the days asked, as the stuck report has them', async () => {
    const { page } = tab;
    const card = page.locator('.ant-card').filter({ hasText: '停滞与异常案件' });
    const days = card.getByLabel('无进展天数 ≥');
    await days.fill('2');
    const reloaded = page.waitForResponse(
      (r) => r.url().includes('/api/reports/stuck') && r.url().includes('days=2'),
    );
    await days.press('Tab');
    await reloaded;
    const stuck = (await auditor.get<{ items: { caseId: string }[] }>('/api/reports/stuck?days=2&limit=20'))
      .body.items;
    expect(stuck.length).toBeGreaterThan(0);
    await card.getByRole('link', { name: stuck[0]!.caseId }).waitFor();
    expect(await card.locator('tbody tr[data-row-key]').count()).toBe(stuck.length);
    await tab.check('stuck');
  });

  it('lists the overdue tasks, most overdue first, as the overdue report has them', async () => {
    const { page } = tab;
    const card = page.locator('.ant-card').filter({ hasText: '超期待办' });
    const overdue = (
      await auditor.get<{ items: { taskId: string; daysOver: number }[] }>('/api/reports/overdue?limit=20')
    ).body.items;
    expect(overdue.length).toBeGreaterThan(0);
    const first = card.locator(`tbody tr[data-row-key="${overdue[0]!.taskId}"]`);
    await expect(first.textContent()).resolves.toContain(`超期 ${overdue[0]!.daysOver} 天`);
    expect(await card.locator('tbody tr[data-row-key]').count()).toBe(overdue.length);
    await tab.check('overdue');
  });

  it("verifies the county's audit chains in batches, showing the progress and the result", async () => {
    const { page } = tab;
    const card = page.locator('.ant-card').filter({ hasText: '全县审计链校验' });
    const calls: string[] = [];
    page.on('request', (r) => r.url().includes('/api/audit/verify') && calls.push(r.url()));
    await card.getByRole('button', { name: '开始校验' }).click();
    await card.getByText(`校验完成：${CASES} 件案件的审计链全部完整`).waitFor({ timeout: 60_000 });
    // 300 cases at 200 a call: the second call continues from the first one's cursor
    expect(calls).toHaveLength(2);
    expect(calls[1]).toContain('cursor=');
    await tab.check('verified');
  });

  it('switches to English', async () => {
    const { page } = tab;
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: /Audit dashboard/ }).waitFor();
    await page
      .getByRole('img', { name: /Stage duration percentiles/ })
      .locator('svg')
      .waitFor();
    await tab.check('english');
    await page.getByRole('button', { name: '中文' }).click();
  });
});
