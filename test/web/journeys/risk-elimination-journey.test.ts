import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validHousehold } from '../../support/fixtures.ts';
import { type ApiClient, eventually, loginAll, sharedInfrastructure } from '../../support/runtime.ts';
import { type Actors, approveThrough, caseOf, file, statusReached } from '../../support/scenario.ts';
import {
  type ConsoleHarness,
  HOOK_TIMEOUT,
  JOURNEY_TIMEOUT,
  settled,
  startConsole,
  type UserTab,
} from '../support/browser.ts';
import {
  addTags,
  checkEnglish,
  choose,
  decisionForm,
  inboxRow,
  pickDate,
  signInInEnglish,
  tabTo,
  until,
} from '../support/steps.ts';

/**
 * Six months of monitoring pass in 80 s (2.3 simulated days a second), time enough for the first step on a loaded
 * machine; publicity and every stage limit pass in seconds, so stage tasks are overdue by the time a reviewer opens
 * them (flagged, never decided).
 */
const TIME_SCALE = 200_000;
const HEAD = '陈建国';
const EVIDENCE = {
  income: '9800',
  months: '8',
  narrative: '务工收入稳定，医疗费用已由医保报销，家庭收入持续高于监测范围。',
};

let h: ConsoleHarness;
let api: Actors & Record<string, ApiClient>;
let enrolledId: string;
let proposalId: string;
const tabs: Record<string, UserTab> = {};

/** The simulated day (China Standard Time) the server is on. */
const serverToday = async () => {
  const health = await fetch(`${h.url}/health`).then((r) => r.json() as Promise<{ now: string }>);
  return new Date(Date.parse(health.now) + 8 * 3_600_000).toISOString().slice(0, 10);
};

/** `date` plus `months` calendar months, a missing day clamped to the month's last (31 Aug → 28/29 Feb). */
function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}
const chinaDate = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);

beforeAll(async () => {
  h = await startConsole({ timeScale: TIME_SCALE, name: 'risk-elimination', shared: sharedInfrastructure() });
  api = (await loginAll(h.url, ['village', 'township', 'county', 'auditor'])) as typeof api;
  // signed in first: the six months start at enrolment
  for (const u of ['village', 'township', 'county', 'auditor']) tabs[u] = await h.open(u);
  const household = validHousehold(970);
  enrolledId = (await file(api.village, { ...household, head: { ...household.head, name: HEAD } })).caseId;
  await approveThrough(api, enrolledId, ['village_review', 'township_verification', 'county_approval']);
  await statusReached(api.village, enrolledId, 'enrolled', 60_000);
}, HOOK_TIMEOUT);
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await h?.screenshotAll(ctx.task.name.slice(0, 40));
});
afterAll(() => h?.close());

/** Fills the proposal's evidence as the cadre would. */
async function fillEvidence(page: UserTab['page'], months = EVIDENCE.months) {
  await page.getByLabel('近 12 个月家庭人均纯收入').fill(EVIDENCE.income);
  await page.getByLabel('稳定收入月数').fill(months);
  await page.getByText('“两不愁三保障”已实现').click();
  await page.getByText('饮水安全有保障').click();
  await page.getByLabel('情况说明').fill(EVIDENCE.narrative);
}

describe('risk elimination (风险消除) in the console', { timeout: JOURNEY_TIMEOUT }, () => {
  it('a proposal made too early is refused before sending: each failing rule shown, sending disabled', async () => {
    // the API refuses a proposal this early, naming every failing rule at once
    const refused = await api.village.post('/api/cases', {
      procedure: 'risk_elimination',
      enrolledCaseId: enrolledId,
      evidence: {
        incomePerCapita12m: 9800,
        stableIncomeMonths: 8,
        twoAssurancesThreeGuarantees: true,
        safeDrinkingWater: true,
        narrative: EVIDENCE.narrative,
      },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.map((d: { rule: string }) => d.rule)).toEqual([
      'enrolled_months',
      'measure_implemented',
    ]);
    const tab = tabs.village!;
    const { page } = tab;
    await until(tab, `/cases/${enrolledId}`, (p) => p.getByRole('button', { name: '申请风险消除' }));
    await page.getByRole('button', { name: '申请风险消除' }).click();
    await page.getByTestId('eligibility').waitFor();

    const enrolled = await caseOf(api.village, enrolledId);
    const eligibleFrom = addMonths(chinaDate(enrolled.enrolledAt), 6);
    await expect(page.getByTestId('guard-enrolled_months').textContent()).resolves.toBe(
      `纳入监测时间未满规定月数（原则上识别标注半年以上）：最早 ${eligibleFrom} 起可申请`,
    );
    await page
      .getByTestId('guard-measure_implemented')
      .getByText(/尚无在申请日之前落实的帮扶措施/)
      .waitFor();
    await expect(page.getByTestId('guard-no_labour').count()).resolves.toBe(0);
    const send = page.getByRole('button', { name: '提交风险消除申请' });
    await expect(send.isDisabled()).resolves.toBe(true);

    // the evidence is checked as typed, by the API's own schema
    await fillEvidence(page, '3');
    await page.getByText('稳定收入至少 6 个月').waitFor();
    await page.getByText('“两不愁三保障”已实现').click();
    await page.getByText('须核实确认后勾选').waitFor();
    await tab.check('proposal-refused');

    // the same page in English: every rule, field and hint translated
    const english = await signInInEnglish(h, 'village');
    await english.page.goto(new URL(`/cases/${enrolledId}/risk-elimination`, english.page.url()).href);
    await english.page
      .getByTestId('guard-enrolled_months')
      .getByText(`possible from ${eligibleFrom}`)
      .waitFor();
    await expect(english.page.getByRole('button', { name: 'File the proposal' }).isDisabled()).resolves.toBe(
      true,
    );
    await checkEnglish(english, 'proposal-refused-english');
    await english.close();
  });

  it('six months and an implemented measure later it is accepted: what was sent shown, the two cases linked', async () => {
    const today = await serverToday();
    const measure = await api.village.post(`/api/cases/${enrolledId}/measures`, {
      type: 'employment',
      description: '推荐到县工业园区务工',
      responsibleCadre: { name: '王干部' },
      plannedAt: today,
    });
    expect(measure.status).toBe(201);
    // the cadre records it implemented on the case page, as the measures journey does
    const tab = tabs.village!;
    const { page } = tab;
    await until(tab, `/cases/${enrolledId}`, (p) =>
      p.getByRole('row').filter({ hasText: '推荐到县工业园区务工' }),
    );
    await page
      .getByRole('row')
      .filter({ hasText: '推荐到县工业园区务工' })
      .getByRole('button', { name: '登记落实' })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('落实日期（YYYY-MM-DD）').fill(today);
    await dialog.getByRole('button', { name: /提\s*交/ }).click();
    await page.getByText('已登记落实').waitFor();
    await eventually(
      async () =>
        (await api.village.get(`/api/cases/${enrolledId}/risk-elimination-check`)).body.eligible || undefined,
      180_000,
      'the proposal to become eligible',
    );

    await until(tab, `/cases/${enrolledId}/risk-elimination`, (p) => p.getByText('符合风险消除申请条件'));
    await fillEvidence(page);
    await page.getByRole('button', { name: '提交风险消除申请' }).click();
    await page.getByText('风险消除申请已提交').waitFor();
    const sent = page.getByTestId('evidence');
    await sent.getByText(`${EVIDENCE.income} 元`).waitFor();
    await sent.getByText('8 个月').waitFor();
    await sent.getByText(EVIDENCE.narrative).waitFor();
    await tab.check('proposal-filed');

    await page.getByRole('link', { name: '查看风险消除案件' }).click();
    await expect(page.getByTestId('case-title').textContent()).resolves.toBe(
      `风险消除 · ${HEAD} · 611002100201`,
    );
    proposalId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    await page.getByText('风险消除办理环节').waitFor();
    await page.getByTestId('evidence').getByText(EVIDENCE.narrative).waitFor();
    await tab.check('proposal-case');
    // proposal → enrolled case → proposal
    await page.getByTestId('enrolled-case-link').click();
    await page.getByTestId('proposal-link').filter({ hasText: proposalId }).click();
    await page.getByTestId('case-title').filter({ hasText: '风险消除' }).waitFor();
  });

  it('the reviewers take it through every stage in the console: the enrolled household reads risk-eliminated', async () => {
    const village = tabs.village!;
    let row = await inboxRow(village, HEAD);
    await expect(row.textContent()).resolves.toContain('村级民主评议');
    // the inbox filtered by procedure: identification's tasks leave the proposal out, risk elimination's show it
    const inbox = village.page;
    const tasks = inbox.locator('.ant-table-tbody tr[data-row-key]');
    const headRow = tasks.filter({ has: inbox.getByRole('link', { name: HEAD, exact: true }) });
    for (const [label, procedure] of [
      ['识别纳入', 'identification'],
      ['风险消除', 'risk_elimination'],
    ] as const) {
      const asked = inbox.waitForResponse((r) =>
        new RegExp(`/api/tasks\\?.*procedure=${procedure}`).test(r.url()),
      );
      await inbox.getByLabel('程序').click();
      await inbox.locator('.ant-select-item-option').filter({ hasText: label }).click();
      await asked;
      await settled(inbox);
      const tags = await tasks.getByTestId('procedure-tag').allTextContents();
      expect(tags.every((tag) => tag === label)).toBe(true);
      await expect(headRow.count()).resolves.toBe(procedure === 'risk_elimination' ? 1 : 0);
    }
    await expect(headRow.getByTestId('procedure-tag').textContent()).resolves.toBe('风险消除');
    await village.check('inbox-by-procedure');
    row = headRow;
    await row.getByRole('link', { name: HEAD }).click();
    let form = await decisionForm(village.page);
    await choose(form, '同意');
    await pickDate(form, '会议日期', await serverToday());
    await form.getByLabel('参会人数').fill('28');
    await form.getByLabel('赞成票').fill('25');
    await form.getByLabel('反对票').fill('1');
    await form.getByRole('button', { name: '提交决定' }).click();
    await village.page.getByText('已提交：同意').waitFor();
    await village.check('proposal-village-decided');

    // the township's home visit of a proposal confirms its evidence, where an application's confirms risk types
    const township = tabs.township!;
    row = await inboxRow(township, HEAD);
    await row.getByRole('link', { name: HEAD }).click();
    form = await decisionForm(township.page);
    await choose(form, '同意');
    await pickDate(form, '核实日期', await serverToday());
    await addTags(form, '核实人（至少两人）', ['王磊', '赵静']);
    await form.getByLabel('核实的人均纯收入').fill('9600');
    await form.getByLabel('核实情况').fill('入户核实，务工收入稳定，两不愁三保障均已实现。');
    await expect(form.getByText('确认的风险类型').count()).resolves.toBe(0);
    await form.getByRole('button', { name: '提交决定' }).click();
    await form.getByText('须核实确认后勾选').waitFor();
    await township.check('proposal-township-invalid');
    await form.getByText(/^核实确认：/).click();
    await form.getByRole('button', { name: '提交决定' }).click();
    await township.page.getByText('已提交：同意').waitFor();
    await township.check('proposal-township-decided');

    // the county decides by keyboard alone, as in identification
    const county = tabs.county!;
    const { page } = county;
    await inboxRow(county, HEAD);
    await page.locator('body').focus();
    await tabTo(page, 'link', HEAD);
    await page.keyboard.press('Enter');
    await decisionForm(page);
    await tabTo(page, 'radio', '同意');
    await page.keyboard.press('Space');
    await tabTo(page, 'button', '提交决定');
    await page.keyboard.press('Enter');
    await page.getByText('已提交：同意').waitFor();
    await county.check('proposal-county-decided');

    // publicity passes: the proposal and the enrolled case both read risk-eliminated, with the day
    const ended = await statusReached(api.village, enrolledId, 'risk_eliminated', 60_000);
    const day = chinaDate(ended.riskEliminatedAt);
    await until(village, `/cases/${enrolledId}`, (p) =>
      p.getByTestId('case-status').filter({ hasText: `已风险消除（${day}）` }),
    );
    await village.page.getByText('风险消除时间').waitFor();
    await village.check('enrolled-case-risk-eliminated');
    const listed = await until(village, '/cases', (p) =>
      p
        .getByRole('row')
        .filter({ hasText: '识别纳入' })
        .filter({ hasText: `已风险消除（${day}）` }),
    );
    await expect(listed.textContent()).resolves.toContain(HEAD);
    await village.check('cases-risk-eliminated');

    await village.page.goto(new URL(`/cases/${proposalId}`, village.page.url()).href);
    await village.page.getByTestId('case-status').filter({ hasText: '已风险消除' }).waitFor();
    await village.page.getByRole('link', { name: '查看公示' }).click();
    await village.page.frameLocator('iframe').getByText(HEAD).first().waitFor();
    await village.check('proposal-notice');
  });

  it('the case list and the dashboard filter by procedure', async () => {
    const village = tabs.village!;
    const { page } = village;
    await page.goto(new URL('/cases', page.url()).href);
    await page.getByLabel('程序').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '风险消除' }).click();
    const rows = page.locator('.ant-table-tbody').getByRole('row').filter({ hasText: HEAD });
    // the list shown before the filter applies still holds the household's identification case: wait for it to go
    await expect
      .poll(() => rows.getByTestId('procedure-tag').allTextContents(), { timeout: 15_000 })
      .toEqual(['风险消除']);
    await expect(rows.allTextContents()).resolves.toEqual([expect.stringContaining('风险消除')]);
    await village.check('cases-by-procedure');

    // the dashboard reports one procedure at a time: identification first, then risk elimination on every report
    const auditor = tabs.auditor!;
    const dashboard = auditor.page;
    await dashboard.goto(new URL('/dashboard', dashboard.url()).href);
    await settled(dashboard);
    const reports: URL[] = [];
    dashboard.on('request', (r) => r.url().includes('/api/reports/') && reports.push(new URL(r.url())));
    await dashboard.getByLabel('程序').click();
    const asked = dashboard.waitForRequest((r) => /stage-timings.*procedure=risk_elimination/.test(r.url()));
    await dashboard.locator('.ant-select-item-option').filter({ hasText: '风险消除' }).click();
    const url = new URL((await asked).url());
    const report = await api.auditor!.get<{ groups: { count: number }[] }>(`${url.pathname}${url.search}`);
    const records = report.body.groups.reduce((n, g) => n + g.count, 0);
    expect(records).toBeGreaterThanOrEqual(3);
    await dashboard
      .locator('.ant-statistic')
      .filter({ hasText: '环节办结记录' })
      .getByText(String(records), { exact: true })
      .waitFor();
    // a proposal has no whole-procedure limit: no case of it is late overall
    await dashboard.locator('.ant-statistic').filter({ hasText: '全流程超期案件' }).getByText('—').waitFor();
    await settled(dashboard);
    // every report the switch asked again names the procedure (the monitoring year counts households, not cases)
    const again = reports.filter((r) => !r.pathname.endsWith('/monitoring'));
    expect(again.map((r) => r.pathname.replace('/api/reports/', ''))).toEqual(
      expect.arrayContaining(['stage-timings', 'stuck', 'overdue']),
    );
    expect(again.filter((r) => r.searchParams.get('procedure') !== 'risk_elimination').map(String)).toEqual(
      [],
    );
    await auditor.check('dashboard-by-procedure');
  });

  it('the household falls back into risk: its new case shows the whole history', async () => {
    const household = validHousehold(970);
    const again = await file(api.village, { ...household, head: { ...household.head, name: HEAD } });
    const village = tabs.village!;
    const { page } = village;
    await until(village, `/cases/${again.caseId}`, (p) =>
      p.getByTestId('household-history').getByRole('row'),
    );
    const history = page.getByTestId('household-history');
    await history.getByRole('link', { name: enrolledId }).waitFor();
    await history.getByRole('link', { name: proposalId }).waitFor();
    await expect(history.getByRole('row').filter({ hasText: again.caseId }).textContent()).resolves.toContain(
      '本案',
    );
    await expect(history.getByRole('row').filter({ hasText: proposalId }).textContent()).resolves.toContain(
      '风险消除',
    );
    await page.getByText('此前的案件（返贫）').waitFor();
    await village.check('re-entry-history');
  });
});
