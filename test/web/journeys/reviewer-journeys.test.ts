import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { residentId, validHousehold } from '../../support/fixtures.ts';
import { type ApiClient, loginAll, sharedInfrastructure } from '../../support/runtime.ts';
import { type Actors, approveThrough, file } from '../../support/scenario.ts';
import {
  type ConsoleHarness,
  HOOK_TIMEOUT,
  JOURNEY_TIMEOUT,
  settled,
  startConsole,
  type UserTab,
} from '../support/browser.ts';
import { choose, decisionForm, inboxRow, until } from '../support/steps.ts';

/**
 * A simulated day passes in 24 s: publicity (5 days) in about two minutes — long enough to file an objection
 * through the page, short enough to wait for the objection review — and a return's 15 days in six.
 */
const TIME_SCALE = 3600;
/** Cases the applicant files for the inbox: more than one page of 20. */
const INBOX_CASES = 22;

let h: ConsoleHarness;
let api: Actors & Record<string, ApiClient>;
const tabs: Record<string, UserTab> = {};

/** A household of the demo village whose head is named `name` (IDs unique by `n`). */
const household = (n: number, name: string) => {
  const h = validHousehold(n);
  return { ...h, head: { ...h.head, name }, members: h.members.map((m) => ({ ...m })) };
};

let objected: string;
/** The households the later steps act on, chosen by the inbox step from what its first page shows. */
const heads = { returned: '', rejected: '', withdrawn: '' };
beforeAll(async () => {
  h = await startConsole({ timeScale: TIME_SCALE, name: 'reviewer', shared: sharedInfrastructure() });
  api = (await loginAll(h.url, ['applicant', 'village', 'township', 'county'])) as typeof api;
  // a case taken to publicity through the API, for the objection filed on the page below
  objected = (await file(api.applicant, household(900, '公示户'))).caseId;
  await approveThrough(api, objected, ['village_review', 'township_verification', 'county_approval']);
  for (const u of ['village', 'township', 'applicant']) tabs[u] = await h.open(u);
}, HOOK_TIMEOUT);
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await h?.screenshotAll(ctx.task.name.slice(0, 40));
});
afterAll(() => h?.close());

describe('reviewers and applicants at work', { timeout: JOURNEY_TIMEOUT }, () => {
  it('a village reviewer files an objection during publicity; the notice shows no personal data', async () => {
    const tab = tabs.village!;
    await until(tab, `/cases/${objected}`, (p) => p.getByRole('button', { name: '登记异议' }));
    await tab.page.getByRole('link', { name: '查看公示' }).click();
    const notice = tab.page.frameLocator('iframe');
    await notice.getByText('公示户').first().waitFor();
    const text = (await notice.locator('body').textContent()) ?? '';
    expect(text).not.toContain(residentId(900).slice(-4));
    expect(text).not.toContain('慢性病');
    await tab.check('notice-a4');

    await tab.page.getByRole('link', { name: '返回' }).click();
    await tab.page.getByRole('button', { name: '登记异议' }).click();
    const dialog = tab.page.getByRole('dialog');
    await dialog.getByLabel('异议人姓名').fill('村民甲');
    await dialog.getByLabel('异议人电话（可选，不公开）').fill('12345');
    await dialog.getByLabel('异议内容').fill('该户家中有经营性货车，收入不实。');
    await dialog.getByRole('button', { name: /提\s*交/ }).click();
    // the phone is checked by the API's own rule before anything is sent
    await dialog.getByText('请输入11位手机号或固定电话').waitFor();
    await dialog.getByLabel('异议人电话（可选，不公开）').fill('13700001234');
    await dialog.getByRole('button', { name: /提\s*交/ }).click();
    await tab.page.getByText('已登记异议').waitFor();
    await tab.page.getByText('村民甲').first().waitFor();
    await tab.check('objection-filed');
  });

  it('an inbox of more than a page: paging, bulk claim with progress, mine, release, reassign', async () => {
    for (let i = 0; i < INBOX_CASES; i++)
      await file(api.applicant, household(100 + i, `户主${String(i + 1).padStart(2, '0')}`));
    const tab = tabs.village!;
    const rows = await until(tab, '/inbox', (p) => p.locator('tbody tr.ant-table-row').nth(19), 60_000);
    await expect(rows.count()).resolves.toBe(1);
    const page = tab.page;
    const body = page.locator('tbody tr.ant-table-row');
    await expect(body.count()).resolves.toBe(20);
    // soonest due first, each with its days left (or over, in red)
    await expect(body.first().textContent()).resolves.toMatch(/剩余 \d+ 天|超期 \d+ 天/);
    await tab.check('inbox-page-1');
    await page.getByRole('button', { name: '下一页' }).click();
    await page.getByText('第 2 页').waitFor();
    await expect(body.count()).resolves.toBeGreaterThanOrEqual(INBOX_CASES - 20);
    const firstPage = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/tasks');
    await page.getByRole('button', { name: '上一页' }).click();
    await page.getByText('第 1 页').waitFor();
    await firstPage;
    await settled(page);

    // the first three rows (tasks due the same day come in no particular order)
    const firstThree = await Promise.all(
      [0, 1, 2].map(async (i) => (await body.nth(i).getByRole('link').textContent()) ?? ''),
    );
    const [kept, handedOver, released] = firstThree as [string, string, string];
    const others = Array.from(
      { length: INBOX_CASES },
      (_, i) => `户主${String(i + 1).padStart(2, '0')}`,
    ).filter((n) => !firstThree.includes(n));
    Object.assign(heads, { returned: kept, rejected: others[0]!, withdrawn: others[1]! });
    for (const name of firstThree) await page.getByRole('checkbox', { name }).check();
    await page.getByRole('button', { name: '批量认领（3）' }).click();
    await page.getByText('已处理 3 / 3').waitFor();
    await tab.check('inbox-bulk-claimed');
    for (const name of firstThree) {
      await page.getByRole('row').filter({ hasText: name }).filter({ hasText: '我' }).first().waitFor();
    }

    await page.getByRole('checkbox', { name: '我认领的' }).check();
    // the released row was on the page before the filter too: wait for the filtered page itself
    await expect.poll(() => body.count(), { timeout: 15_000 }).toBe(3);
    await page.getByText(released).waitFor();
    await page
      .getByRole('row')
      .filter({ hasText: released })
      .getByRole('button', { name: /^放\s*回$/ })
      .click();
    await page.getByText('已放回待办').waitFor();
    await page.getByText(released).waitFor({ state: 'detached' });
    await expect(body.count()).resolves.toBe(2);

    await page
      .getByRole('row')
      .filter({ hasText: handedOver })
      .getByRole('button', { name: /^改\s*派$/ })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('改派给').click();
    await page.locator('.ant-select-dropdown').getByTitle('吴芳（村两委）', { exact: true }).click();
    await dialog.getByRole('button', { name: /^改\s*派$/ }).click();
    await page.getByText('已改派').waitFor();
    await page.getByRole('checkbox', { name: '我认领的' }).uncheck();
    await page
      .getByRole('row')
      .filter({ hasText: handedOver })
      .filter({ hasText: '吴芳（村两委）' })
      .first()
      .waitFor();
    await tab.check('inbox-reassigned');
  });

  it('a return, the applicant supplements, and the case is back in the village inbox', async () => {
    const tab = tabs.village!;
    const row = await inboxRow(tab, heads.returned);
    await row.getByRole('link', { name: heads.returned }).click();
    const form = await decisionForm(tab.page);
    await choose(form, '退回补充材料');
    await form.getByLabel('需补充的材料').fill('医疗费用票据');
    await form.getByLabel('需补充的材料').press('Enter');
    await form.getByRole('button', { name: '提交决定' }).click();
    await tab.page.getByText('已提交：退回补充材料').waitFor();
    await tab.page.getByText('需补充：医疗费用票据').waitFor();

    const applicant = tabs.applicant!;
    const returned = await until(applicant, '/cases', (p) =>
      p.getByRole('row').filter({ hasText: heads.returned }).filter({ hasText: '待补充材料' }),
    );
    await applicant.check('applicant-cases-returned');
    await returned.getByRole('link', { name: heads.returned }).click();
    await applicant.page.getByRole('button', { name: '补充材料' }).click();
    const dialog = applicant.page.getByRole('dialog');
    await dialog.getByLabel('补充说明').fill('已补交医院出具的费用票据。');
    await dialog.getByRole('button', { name: /提\s*交/ }).click();
    await applicant.page.getByText('已补充材料').first().waitFor();
    await until(applicant, applicant.page.url(), (p) =>
      p.getByTestId('case-status').filter({ hasText: '办理中' }),
    );
    await applicant.page.getByText('意见：已补交医院出具的费用票据。').waitFor();
    await applicant.check('applicant-supplemented');
    await inboxRow(tab, heads.returned);
  });

  it('a rejection asks for confirmation; the applicant then asks for re-examination, and withdraws another', async () => {
    const tab = tabs.village!;
    const row = await inboxRow(tab, heads.rejected);
    await row.getByRole('link', { name: heads.rejected }).click();
    const form = await decisionForm(tab.page);
    await choose(form, '不同意');
    await form.getByLabel('理由').fill('经评议，家庭收入高于监测标准。');
    await form.getByLabel('会议日期').fill('2026-11-03');
    await form.getByLabel('会议日期').press('Enter');
    await form.getByLabel('参会人数').fill('20');
    await form.getByLabel('赞成票').fill('3');
    await form.getByLabel('反对票').fill('15');
    await form.getByRole('button', { name: '提交决定' }).click();
    const confirm = tab.page.getByRole('dialog', { name: '确定「不同意」？' });
    await confirm.waitFor();
    await tab.check('reject-confirm');
    await confirm.getByRole('button', { name: /取\s*消/ }).click();
    await confirm.waitFor({ state: 'hidden' });
    await expect(form.getByRole('button', { name: '提交决定' }).isVisible()).resolves.toBe(true);
    await form.getByRole('button', { name: '提交决定' }).click();
    await confirm.getByRole('button', { name: /确\s*定/ }).click();
    await tab.page.getByText('已提交：不同意').waitFor();

    const applicant = tabs.applicant!;
    const rejected = await until(applicant, '/cases', (p) =>
      p.getByRole('row').filter({ hasText: heads.rejected }).filter({ hasText: '未通过' }),
    );
    await rejected.getByRole('link', { name: heads.rejected }).click();
    await applicant.page.getByRole('button', { name: '申请复核' }).click();
    const dialog = applicant.page.getByRole('dialog');
    await dialog.getByLabel('理由').fill('家庭收入计算有误，请求复核。');
    await dialog.getByRole('button', { name: /提\s*交/ }).click();
    await applicant.page.getByText('已申请复核').first().waitFor();
    await applicant.check('applicant-reexamination');

    const other = await until(applicant, '/cases', (p) =>
      p.getByRole('link', { name: heads.withdrawn, exact: true }),
    );
    await other.click();
    await applicant.page.getByRole('button', { name: '撤回申请' }).click();
    await applicant.page.getByRole('dialog').getByLabel('理由').fill('家庭情况好转。');
    await applicant.page
      .getByRole('dialog')
      .getByRole('button', { name: /提\s*交/ })
      .click();
    await applicant.page.getByTestId('case-status').filter({ hasText: '已撤回' }).waitFor();
    await applicant.check('applicant-withdrawn');
  });

  it('after publicity the township reviews the objection and dismisses it: the household is enrolled', async () => {
    const tab = tabs.township!;
    // publicity (started before the first test) has to end first
    const row = await inboxRow(tab, '公示户', 240_000);
    await expect(row.textContent()).resolves.toContain('异议复核');
    await row.getByRole('link', { name: '公示户' }).click();
    await tab.page.getByText('该户家中有经营性货车，收入不实。').waitFor();
    const form = await decisionForm(tab.page);
    await expect(form.locator('label.ant-radio-button-wrapper').allTextContents()).resolves.toEqual([
      '异议成立',
      '异议不成立',
    ]);
    await choose(form, '异议不成立');
    await form.getByLabel('意见').fill('经核实，货车已于去年变卖。');
    await form.getByRole('button', { name: '提交决定' }).click();
    await tab.page.getByText('已提交：异议不成立').waitFor();
    await until(tab, tab.page.url(), (p) => p.getByTestId('case-status').filter({ hasText: '已纳入' }));
    await tab.check('objection-dismissed-enrolled');
  }, 300_000);
});
