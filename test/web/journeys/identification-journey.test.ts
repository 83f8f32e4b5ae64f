import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { residentId } from '../../support/fixtures.ts';
import { sharedInfrastructure } from '../../support/runtime.ts';
import {
  type ConsoleHarness,
  HOOK_TIMEOUT,
  JOURNEY_TIMEOUT,
  startConsole,
  type UserTab,
} from '../support/browser.ts';
import { addTags, choose, decisionForm, inboxRow, pickDate, tabTo, until } from '../support/steps.ts';

/** Publicity (5 days) passes in about 15 s; a stage's 3–5 working days in 10–25 s. */
const TIME_SCALE = 30_000;
const HEAD = '王德福';
const HEAD_ID = residentId(701, '19620315');
const SPOUSE_ID = residentId(702, '19640808');

let h: ConsoleHarness;
const tabs: Record<string, UserTab> = {};
beforeAll(async () => {
  h = await startConsole({ timeScale: TIME_SCALE, name: 'identification', shared: sharedInfrastructure() });
  for (const u of ['village', 'township', 'county']) tabs[u] = await h.open(u);
}, HOOK_TIMEOUT);
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await h?.screenshotAll(ctx.task.name.slice(0, 40));
});
afterAll(() => h?.close());

describe('an identification case, from the cadre filing it to enrolment', {
  timeout: JOURNEY_TIMEOUT,
}, () => {
  it('the village cadre files the application, the ID check digit checked as typed', async () => {
    const { page } = tabs.village!;
    await page.getByRole('link', { name: '新建申请' }).click();
    const head = page.locator('.ant-card').filter({ hasText: '户主作为家庭成员' });
    await head.getByLabel('姓名').fill(HEAD);
    // a wrong check digit is refused as it is typed, with the API's rule
    const wrong = HEAD_ID.slice(0, 17) + (HEAD_ID[17] === '0' ? '1' : '0');
    await head.getByLabel('身份证号').fill(wrong);
    await expect(head.getByText('身份证号校验位不正确（GB 11643）').waitFor()).resolves.toBeUndefined();
    await tabs.village!.check('new-application-bad-id');
    await head.getByLabel('身份证号').fill(HEAD_ID);
    await head.getByText('身份证号校验位不正确（GB 11643）').waitFor({ state: 'detached' });
    await head.getByLabel('联系电话').fill('13900001111');
    await head.getByLabel('户主健康状况').fill('高血压');

    await page.getByRole('button', { name: '添加家庭成员' }).click();
    const spouse = page.locator('fieldset').filter({ hasText: '成员 1' });
    await spouse.getByLabel('姓名').fill('刘桂兰');
    await spouse.getByLabel('身份证号').fill(SPOUSE_ID);
    await spouse.getByLabel('与户主关系').fill('配偶');
    await spouse.getByLabel('健康状况').fill('慢性病');

    await page.getByLabel('住址').fill('示范村三组 12 号');
    await page.getByLabel('家庭年人均纯收入').fill('4800');
    await page.getByText('边缘易致贫户').click();
    await page.getByText('因病', { exact: true }).click();
    await page.getByLabel('情况说明').fill('户主患高血压，配偶慢性病，医疗支出大。');
    await page.getByRole('button', { name: '提交申请' }).click();

    await page.getByText('申请已提交').waitFor();
    // what was sent comes back masked: the head among the members, the spouse after
    const sent = page.locator('.ant-card').filter({ hasText: '已提交的内容' });
    await expect(sent.getByText(`${HEAD_ID.slice(0, 6)}********${HEAD_ID.slice(-4)}`).count()).resolves.toBe(
      2,
    );
    const members = sent.locator('.ant-table').getByRole('row');
    await expect(members.filter({ hasText: '刘桂兰' }).textContent()).resolves.toContain('配偶');
    await expect(members.filter({ hasText: HEAD }).textContent()).resolves.toContain('本人');
    await tabs.village!.check('filed');
  });

  it('the village reviewer decides it from the inbox, the meeting record checked inline first', async () => {
    const tab = tabs.village!;
    const row = await inboxRow(tab, HEAD);
    await expect(row.textContent()).resolves.toContain('村级民主评议');
    await expect(row.textContent()).resolves.toContain('611002100201');
    await tab.check('village-inbox');
    await row.getByRole('link', { name: HEAD }).click();

    const form = await decisionForm(tab.page);
    await expect(form.locator('label.ant-radio-button-wrapper').allTextContents()).resolves.toEqual([
      '同意',
      '不同意',
      '退回补充材料',
    ]);
    await choose(form, '同意');
    await form.getByRole('button', { name: '提交决定' }).click();
    // the details the stage needs are named at their fields before anything is sent
    await form.getByText('请填写此项').first().waitFor();
    await pickDate(form, '会议日期', '2026-11-03');
    await form.getByLabel('参会人数').fill('30');
    await form.getByLabel('赞成票').fill('26');
    await form.getByLabel('反对票').fill('6');
    await form.getByRole('button', { name: '提交决定' }).click();
    await form.getByText('赞成票与反对票之和不能超过参会人数').waitFor();
    await tab.check('village-decision-invalid');
    await form.getByLabel('反对票').fill('2');
    await form.getByRole('button', { name: '提交决定' }).click();
    await tab.page.getByText('已提交：同意').waitFor();
    await tab.page.getByText('民主评议会 2026-11-03，参会 30 人，赞成 26 票，反对 2 票').waitFor();
    await tab.check('village-decided');
  });

  it('the township reviewer claims it and approves with a home visit by two verifiers', async () => {
    const tab = tabs.township!;
    const row = await inboxRow(tab, HEAD);
    await row.getByRole('button', { name: /^认\s*领$/ }).click();
    await row.getByText('我', { exact: true }).waitFor();
    await tab.check('township-inbox-claimed');
    await row.getByRole('link', { name: HEAD }).click();

    const form = await decisionForm(tab.page);
    await expect(form.locator('label.ant-radio-button-wrapper').allTextContents()).resolves.toEqual([
      '同意',
      '不同意',
      '退回补充材料',
      '退回重审',
    ]);
    await choose(form, '同意');
    await pickDate(form, '核实日期', '2026-11-05');
    await addTags(form, '核实人（至少两人）', ['王磊']);
    await form.getByLabel('核实的人均纯收入').fill('4700');
    await form.getByText('因病', { exact: true }).click();
    await form.getByLabel('核实情况').fill('入户核实属实。');
    await form.getByRole('button', { name: '提交决定' }).click();
    await form.getByText('入户核实至少需要两名核实人').waitFor();
    await addTags(form, '核实人（至少两人）', ['赵静']);
    await form.getByRole('button', { name: '提交决定' }).click();
    await tab.page.getByText('已提交：同意').waitFor();
    await tab.page.getByText(/入户核实 2026-11-05，核实人：王磊、赵静/).waitFor();
    await tab.check('township-decided');
  });

  it('the county reviewer approves by keyboard alone; publicity passes; the filer sees the household enrolled', async () => {
    const tab = tabs.county!;
    const { page } = tab;
    await inboxRow(tab, HEAD);
    // from the top of the inbox: Tab through the menu and the filters to the household, Enter opens the case
    await page.locator('body').focus();
    await tabTo(page, 'link', HEAD);
    await page.keyboard.press('Enter');
    await decisionForm(page);
    expect(new URL(page.url()).pathname).toMatch(/^\/cases\//);
    // Tab to the first decision, Space picks it, Tab on to the button, Enter submits
    await tabTo(page, 'radio', '同意');
    await page.keyboard.press('Space');
    await tabTo(page, 'button', '提交决定');
    await page.keyboard.press('Enter');
    await page.getByText('已提交：同意').waitFor();
    await tab.check('county-decided');

    const village = tabs.village!;
    const enrolled = await until(
      village,
      '/cases',
      (p) => p.getByRole('row').filter({ hasText: HEAD }).filter({ hasText: '已纳入' }),
      60_000,
    );
    await village.check('cases-enrolled');
    await enrolled.getByRole('link', { name: HEAD }).click();
    await expect(village.page.getByTestId('case-status').textContent()).resolves.toBe('已纳入');
    await expect(village.page.getByTestId('chain-badge').textContent()).resolves.toMatch(/^记录链完整/);
    await village.page.getByText('纳入监测').first().waitFor();
    await village.check('case-enrolled');

    await village.page.getByRole('link', { name: '查看公示' }).click();
    const notice = village.page.frameLocator('iframe');
    await notice.getByText(HEAD).first().waitFor();
    const noticeText = (await notice.locator('body').textContent()) ?? '';
    expect(noticeText).not.toContain(HEAD_ID.slice(-4));
    expect(noticeText).not.toContain('13900001111');
    expect(noticeText).not.toContain('高血压');
    await village.check('notice');
  });
});
