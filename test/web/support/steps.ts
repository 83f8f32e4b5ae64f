import type { Locator, Page } from 'playwright-core';
import type { UserTab } from './browser.ts';

/** Reloads `path` until `locator(page)` shows, for what the workflow does in the background. */
export async function until(
  tab: UserTab,
  path: string,
  locator: (page: Page) => Locator,
  timeoutMs = 30_000,
): Promise<Locator> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    await tab.page.goto(new URL(path, tab.page.url()).href);
    const target = locator(tab.page);
    try {
      await target.first().waitFor({ timeout: 2_000 });
      return target;
    } catch (e) {
      if (Date.now() > end) throw e;
    }
  }
}

/** The inbox row of a household head, once its task is open. */
export const inboxRow = (tab: UserTab, head: string) =>
  until(tab, '/inbox', (p) => p.getByRole('row').filter({ has: p.getByRole('link', { name: head }) }));

/** Types a date into an antd DatePicker labelled `label` and confirms it. */
export async function pickDate(scope: Locator, label: string, date: string): Promise<void> {
  const input = scope.getByLabel(label);
  await input.click();
  await input.fill(date);
  await input.press('Enter');
}

/** Adds tags to an antd tags Select labelled `label`, one Enter each. */
export async function addTags(scope: Locator, label: string, values: string[]): Promise<void> {
  const input = scope.getByLabel(label);
  for (const v of values) {
    await input.fill(v);
    await input.press('Enter');
  }
}

/** The decision form card of the open stage. */
export const decisionForm = (page: Page) => page.locator('.ant-card').filter({ hasText: '作出决定' });

/** Picks a decision in the stage's decision form. */
export const choose = (form: Locator, decision: string) =>
  form.locator('label.ant-radio-button-wrapper', { hasText: new RegExp(`^${decision}$`) }).click();
