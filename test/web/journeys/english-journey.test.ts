import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { residentId, validHousehold } from '../../support/fixtures.ts';
import { type ApiClient, loginAll, sharedInfrastructure } from '../../support/runtime.ts';
import { type Actors, approveThrough, file, openTask, statusReached } from '../../support/scenario.ts';
import {
  type ConsoleHarness,
  HOOK_TIMEOUT,
  JOURNEY_TIMEOUT,
  startConsole,
  type UserTab,
} from '../support/browser.ts';
import { checkEnglish, choose, inboxRow, signInInEnglish, until } from '../support/steps.ts';

/** Publicity (5 days) passes in about 15 s. */
const TIME_SCALE = 30_000;
const ENROLLED = 'Wang Defu';
const PENDING = 'Zhou Min';

let h: ConsoleHarness;
let api: Actors & Record<string, ApiClient>;
let enrolledId: string;
const tabs: Record<string, UserTab> = {};

/** A household written in pinyin, so what is left in Chinese on an English page is the console's own words. */
const household = (n: number, head: string) => {
  const base = validHousehold(n);
  return {
    ...base,
    head: { ...base.head, name: head },
    members: base.members.map((m) => ({
      ...m,
      name: 'Li Hua',
      relation: 'spouse',
      health: 'chronic illness',
    })),
    address: 'No. 8, Group 1, Demo Village',
    narrative: 'The main earner is ill; medical costs are heavy.',
  };
};

beforeAll(async () => {
  h = await startConsole({ timeScale: TIME_SCALE, name: 'english', shared: sharedInfrastructure() });
  api = (await loginAll(h.url, ['village', 'township', 'county'])) as typeof api;
  enrolledId = (await file(api.village, household(960, ENROLLED))).caseId;
  await approveThrough(api, enrolledId, ['village_review', 'township_verification', 'county_approval']);
  const pendingId = (
    await file(api.village, {
      ...household(961, PENDING),
      head: {
        ...validHousehold(961).head,
        name: PENDING,
        idNumber: residentId(961, '19700505'),
      },
    })
  ).caseId;
  await openTask(api.village, pendingId, 'village_review');
  await statusReached(api.village, enrolledId, 'enrolled', 90_000);
}, HOOK_TIMEOUT);
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await h?.screenshotAll(ctx.task.name.slice(0, 40));
});
afterAll(() => h?.close());

describe('the console in English', { timeout: JOURNEY_TIMEOUT }, () => {
  it('a village cadre signs in in English and works the inbox and a decision form', async () => {
    const tab = await signInInEnglish(h, 'village');
    tabs.village = tab;
    const { page } = tab;
    const menu = page.getByRole('navigation').getByRole('menuitem');
    await expect(menu.allTextContents()).resolves.toEqual(['Inbox', 'Cases', 'New application']);
    const row = await inboxRow(tab, PENDING);
    await expect(row.textContent()).resolves.toContain('Village review');
    await checkEnglish(tab, 'inbox');

    await row.getByRole('link', { name: PENDING }).click();
    const form = page.locator('.ant-card').filter({ hasText: 'Village review: decision' });
    await form.locator('label.ant-radio-button-wrapper').first().waitFor();
    await expect(form.locator('label.ant-radio-button-wrapper').allTextContents()).resolves.toEqual([
      'Approve',
      'Reject',
      'Return for material',
    ]);
    await choose(form, 'Approve');
    await form.getByRole('button', { name: 'Submit decision' }).click();
    // the stage's rules, checked before sending, speak English too
    await form.getByText('Fill this in').first().waitFor();
    await checkEnglish(tab, 'decision-form');
  });

  it('an enrolled case: status, stages, measures and contact, household history and timeline', async () => {
    const tab = tabs.village!;
    const { page } = tab;
    await until(tab, `/cases/${enrolledId}`, (p) =>
      p.getByTestId('case-status').filter({ hasText: 'Enrolled' }),
    );
    await page.getByText('Assistance measures and contact').waitFor();
    await page.getByText('Household history').waitFor();
    await expect(page.getByTestId('case-title').textContent()).resolves.toMatch(/^Identification · /);
    await page.getByText(/Decided \(County approval\): Approve/).waitFor();
    await checkEnglish(tab, 'case-enrolled');

    await page.getByRole('link', { name: 'Publicity notice' }).click();
    await page.getByRole('button', { name: 'Print (A4)' }).waitFor();
    await checkEnglish(tab, 'notice');

    await page.getByRole('link', { name: 'Cases' }).click();
    await page.getByRole('row').filter({ hasText: ENROLLED }).filter({ hasText: 'Enrolled' }).waitFor();
    await checkEnglish(tab, 'cases');
  });

  it('the new application form checks the ID number in English', async () => {
    const tab = tabs.village!;
    const { page } = tab;
    await page.getByRole('link', { name: 'New application' }).click();
    const head = page.locator('.ant-card').filter({ hasText: 'The head is listed as the first member' });
    const id = residentId(962);
    await head.getByLabel('ID number').fill(id.slice(0, 17) + (id[17] === '0' ? '1' : '0'));
    await head.getByText('The GB 11643 check digit does not match').waitFor();
    await checkEnglish(tab, 'new-application-bad-id');
    await head.getByLabel('ID number').fill('');
    await page.getByRole('button', { name: 'File the application' }).click();
    // the API's schema, run in the browser, names every field still empty
    await page.getByText('Correct the fields marked in red').waitFor();
    await checkEnglish(tab, 'new-application');
  });

  it('the auditor reads the dashboard in English', async () => {
    const tab = await signInInEnglish(h, 'auditor');
    await tab.page.getByRole('heading', { name: /Audit dashboard/ }).waitFor();
    await tab.page.getByTestId('monitoring-card').waitFor();
    await checkEnglish(tab, 'dashboard');
  });

  it('the admin reads the policy, the calendar and the access log in English', async () => {
    const tab = await signInInEnglish(h, 'admin');
    const { page } = tab;
    await page.getByRole('tab', { name: 'Policy' }).waitFor();
    await checkEnglish(tab, 'admin-policy');
    for (const name of ['Working-day calendar', 'Access log']) {
      await page.getByRole('tab', { name }).click();
      await page.getByRole('tab', { name, selected: true }).waitFor();
      await checkEnglish(tab, `admin-${name.toLowerCase().replaceAll(' ', '-')}`);
    }
  });
});
