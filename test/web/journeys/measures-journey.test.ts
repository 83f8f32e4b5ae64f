import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validHousehold } from '../../support/fixtures.ts';
import { type ApiClient, loginAll } from '../../support/runtime.ts';
import { type Actors, approveThrough, file, statusReached } from '../../support/scenario.ts';
import {
  type ConsoleHarness,
  HOOK_TIMEOUT,
  JOURNEY_TIMEOUT,
  settled,
  startConsole,
  type UserTab,
} from '../support/browser.ts';
import { until } from '../support/steps.ts';

/** Publicity (5 days) passes in about 15 s. */
const TIME_SCALE = 30_000;
const HEAD = '帮扶户';

let h: ConsoleHarness;
let api: Actors & Record<string, ApiClient>;
let caseId: string;
const tabs: Record<string, UserTab> = {};

/** The simulated day (China Standard Time) the server is on. */
const serverToday = async () => {
  const health = await fetch(`${h.url}/health`).then((r) => r.json() as Promise<{ now: string }>);
  return health.now.slice(0, 10);
};

beforeAll(async () => {
  h = await startConsole({ timeScale: TIME_SCALE, name: 'measures' });
  api = (await loginAll(h.url, ['village', 'township', 'county', 'auditor'])) as typeof api;
  const household = validHousehold(950);
  caseId = (await file(api.village, { ...household, head: { ...household.head, name: HEAD } })).caseId;
  await approveThrough(api, caseId, ['village_review', 'township_verification', 'county_approval']);
  await statusReached(api.village, caseId, 'enrolled', 90_000);
  for (const u of ['village', 'auditor']) tabs[u] = await h.open(u);
}, HOOK_TIMEOUT);
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await h?.screenshotAll(ctx.task.name.slice(0, 40));
});
afterAll(() => h?.close());

describe('the assistance plan of an enrolled household', { timeout: JOURNEY_TIMEOUT }, () => {
  it('the village cadre sets the contact and plans a measure, then records it implemented', async () => {
    const tab = tabs.village!;
    const { page } = tab;
    await until(tab, `/cases/${caseId}`, (p) => p.getByRole('button', { name: '新增帮扶措施' }));
    await page.getByText('尚未确定帮扶责任人').waitFor();
    await tab.check('measures-empty');

    await page.getByRole('button', { name: '设定帮扶责任人' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel('姓名').fill('赵六');
    await dialog.getByLabel('工作单位').fill('县农业农村局');
    await dialog.getByLabel('联系电话').fill('123');
    await dialog.getByRole('button', { name: /提\s*交/ }).click();
    // the phone is checked by the API's own rule before anything is sent
    await dialog.getByText('请输入11位手机号或固定电话').waitFor();
    await dialog.getByLabel('联系电话').fill('13700137000');
    await dialog.getByRole('button', { name: /提\s*交/ }).click();
    await page.getByText('已设定帮扶责任人').waitFor();
    // staff read the contact's phone in full on the case
    await page.getByText('13700137000').waitFor();

    const today = await serverToday();
    await page.getByRole('button', { name: '新增帮扶措施' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByLabel('措施类型').click();
    // antd's listbox of hidden a11y options sits beside the visible items: pick the item seen
    await page.locator('.ant-select-item-option').filter({ hasText: '就业帮扶' }).click();
    await dialog.getByLabel('措施内容').fill('推荐到县工业园区务工');
    await dialog.getByLabel('责任干部', { exact: true }).fill('王干部');
    await dialog.getByLabel('计划落实日期（YYYY-MM-DD）').fill(today);
    await dialog.getByLabel('帮扶对象（家庭成员姓名，可选）').fill('李四');
    await dialog.getByRole('button', { name: /提\s*交/ }).click();
    await page.getByText('已新增帮扶措施').waitFor();
    const row = page.getByRole('row').filter({ hasText: '推荐到县工业园区务工' });
    await row.getByText('计划中').waitFor();
    await tab.check('measure-planned');

    await row.getByRole('button', { name: '登记落实' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByLabel('落实日期（YYYY-MM-DD）').fill('2999-01-01');
    await dialog.getByRole('button', { name: /提\s*交/ }).click();
    // a future date is the API's 400 not_in_future, shown at the field
    await dialog.getByText('日期不能晚于今天').first().waitFor();
    await dialog.getByLabel('落实日期（YYYY-MM-DD）').fill(today);
    await dialog.getByLabel('帮扶成效').fill('已上岗');
    await dialog.getByRole('button', { name: /提\s*交/ }).click();
    await page.getByText('已登记落实').waitFor();
    await row.getByText('已落实').waitFor();
    // the summary is the case's, which reloads after the measures' own list
    await expect.poll(() => page.getByTestId('measures-summary').textContent()).toContain('已落实 1 项');
    await tab.check('measure-implemented');

    const listed = await api.county.get(`/api/cases/${caseId}/measures`);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ status: 'implemented', implementedAt: today }),
    ]);
  });

  it('the dashboard shows the monitoring year, the same figures as the API', async () => {
    const tab = tabs.auditor!;
    const { page } = tab;
    await page.goto(new URL('/dashboard', page.url()).href);
    await settled(page);
    const year = (await serverToday()).slice(0, 4);
    const report = (await api.auditor!.get(`/api/reports/monitoring?year=${year}`)).body;
    const card = page.getByTestId('monitoring-card');
    await card.getByText(`${year} 年度监测情况`).waitFor();
    const enrolled = card.locator('.ant-statistic').filter({ hasText: '监测户（人）' });
    await enrolled
      .getByText(`${report.enrolled.households} 户 / ${report.enrolled.persons} 人`)
      .waitFor({ timeout: 30_000 });
    expect(report.enrolled.households).toBeGreaterThanOrEqual(1);
    await card.getByText('已落实帮扶措施的监测户').waitFor();
    await tab.check('dashboard-monitoring');
  });
});
