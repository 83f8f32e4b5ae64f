import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, login, sharedInfrastructure } from '../../support/runtime.ts';
import { type ConsoleHarness, startConsole, type UserTab } from '../support/browser.ts';

interface Policy {
  version: number;
  order: string;
  limits: Record<string, { days: number; unit: string }>;
}

let h: ConsoleHarness;
let admin: ApiClient;
let tab: UserTab;

beforeAll(async () => {
  // 2026-11-02: the official schedule (chinese-days) covers 2026, not 2027
  h = await startConsole({ timeScale: 1, name: 'admin', shared: sharedInfrastructure() });
  admin = await login(h.url, 'admin');
  tab = await h.open('admin');
  // building the console (when its sources changed) and starting a runtime take minutes on a loaded machine
}, 300_000);
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await h?.screenshotAll(ctx.task.name.slice(0, 40));
});
afterAll(() => h?.close());

const policy = async () => (await admin.get<Policy>('/api/admin/policy')).body;

describe('the admin pages', () => {
  it('change the county policy: a new version in the history, applied by the API', async () => {
    const { page } = tab;
    expect(new URL(page.url()).pathname).toBe('/admin');
    await page.getByText('默认（未设置）').waitFor();
    await tab.check('policy');

    const county = page.getByLabel('县级审定时限 天数');
    await county.fill('4');
    await page.getByLabel('修改说明').fill('依据县乡村振兴局通知调整');
    await page.getByRole('button', { name: '保存为新版本' }).click();
    await page.getByText('已保存为第 1 版').waitFor();

    expect(await policy()).toMatchObject({
      version: 1,
      limits: { county_approval: { days: 4, unit: 'working' } },
    });
    const history = page.locator('.ant-card').filter({ hasText: '修改历史' });
    const row = history.getByRole('row').filter({ hasText: '依据县乡村振兴局通知调整' });
    await expect(row.getByRole('cell').first().textContent()).resolves.toBe('1');
    await expect(row.textContent()).resolves.toContain('县级审定时限 4个工作日');
    await expect(row.textContent()).resolves.toContain('刘洋');
    await tab.check('policy-saved');
  });

  it("puts the API's rule under the field it names, and saves nothing", async () => {
    const { page } = tab;
    await page.getByLabel('公示期 天数').fill('3');
    await page.getByRole('button', { name: '保存为新版本' }).click();
    await page.getByText('公示期不少于 5 天（村内公示不少于5天）').waitFor();
    expect((await policy()).version).toBe(1);
    await tab.check('policy-invalid');
    await page.getByLabel('公示期 天数').fill('7');
  });

  it('shows a change made meanwhile as a conflict, and reloads the newer version', async () => {
    const { page } = tab;
    const current = await policy();
    const other = await admin.put('/api/admin/policy', {
      order: 'publicity_after_village',
      limits: current.limits,
      expectedVersion: current.version,
      comment: '另一位管理员的修改',
    });
    expect(other.status).toBe(200);

    await page.getByRole('button', { name: '保存为新版本' }).click();
    await page.getByText('政策已被他人修改，您的修改未保存').waitFor();
    await page.getByText(/the policy is no longer at version 1/).waitFor();
    expect(await policy()).toMatchObject({ version: 2, order: 'publicity_after_village' });
    await tab.check('policy-conflict');

    await page.getByRole('alert').getByRole('button', { name: '重新加载' }).click();
    await page.getByText('另一位管理员的修改').waitFor();
    await expect(page.getByRole('radio', { name: /村评议后即公示/ }).isChecked()).resolves.toBe(true);
  });

  it('sets a county day off and removes it again on the working-day calendar', async () => {
    const { page } = tab;
    await page.getByRole('tab', { name: '工作日历' }).click();
    await page.getByText('国庆节').first().waitFor();
    await tab.check('calendar');

    const edit = page.locator('.ant-card').filter({ hasText: '设置日期' });
    await edit.getByLabel('日期').fill('2026-12-31');
    await edit.getByLabel('日期').press('Enter');
    await edit.getByRole('radio', { name: '休息日' }).check();
    await edit.getByLabel('修改说明').fill('县委决定放假');
    await edit.getByRole('button', { name: '保 存' }).click();
    await page.getByText('已保存：2026-12-31').waitFor();
    const day = page.getByRole('row').filter({ hasText: '2026-12-31' });
    await expect(day.textContent()).resolves.toContain('本县设置（国家安排：上班）');
    const api = await admin.get<{ days: { date: string; working: boolean; source: string }[] }>(
      '/api/admin/calendar?year=2026',
    );
    expect(api.body.days.find((d) => d.date === '2026-12-31')).toMatchObject({
      working: false,
      source: 'county',
    });
    await tab.check('calendar-set');

    await day.getByRole('button', { name: '删除本县设置' }).click();
    await page
      .getByRole('tooltip')
      .getByRole('button', { name: /确\s*定|OK/ })
      .click();
    await page.getByText('已保存：2026-12-31').last().waitFor();
    await expect.poll(() => day.count()).toBe(0);
    const after = await admin.get<{ days: { date: string }[] }>('/api/admin/calendar?year=2026');
    expect(after.body.days.map((d) => d.date)).not.toContain('2026-12-31');
  });

  it('says plainly when a year has no official holiday schedule', async () => {
    const { page } = tab;
    await page.getByLabel('年度').click();
    // the visible option (antd's role=option elements are a hidden list for screen readers)
    await page.locator('.ant-select-dropdown').getByTitle('2027', { exact: true }).click();
    await page.getByText('2027 年尚无国家法定节假日安排数据').waitFor();
    await tab.check('calendar-2027');
  });

  it('lists the access log: who read what', async () => {
    const auditor = await login(h.url, 'auditor');
    expect((await auditor.get('/api/reports/stuck')).status).toBe(200);
    const { page } = tab;
    await page.getByRole('tab', { name: '访问日志' }).click();
    const row = page.getByRole('row').filter({ hasText: 'GET /api/reports/stuck' }).first();
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('陈刚（县审计局）（auditor）');
    await tab.check('access-log');
  });
});
