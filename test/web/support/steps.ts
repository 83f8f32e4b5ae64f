import type { Locator, Page } from 'playwright-core';
import { settled, type UserTab } from './browser.ts';

/**
 * Reloads `path` until `locator(page)` shows, for what the workflow does in the background: each load is judged
 * once the page has drawn its data (however long that takes on a loaded machine), then reloaded after a pause.
 */
export async function until(
  tab: UserTab,
  path: string,
  locator: (page: Page) => Locator,
  timeoutMs = 30_000,
): Promise<Locator> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    await tab.page.goto(new URL(path, tab.page.url()).href);
    await settled(tab.page);
    const target = locator(tab.page);
    if (await target.first().isVisible()) return target;
    if (Date.now() > end) throw new Error(`${path} never showed ${target} in ${timeoutMs} ms`);
    await tab.page.waitForTimeout(500);
  }
}

/** The inbox row of a household head, once its task is open. */
export const inboxRow = (tab: UserTab, head: string, timeoutMs?: number) =>
  until(
    tab,
    '/inbox',
    (p) => p.getByRole('row').filter({ has: p.getByRole('link', { name: head, exact: true }) }),
    timeoutMs,
  );

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

/** The decision form card of the open stage, once the case page has drawn it (its decisions shown). */
export async function decisionForm(page: Page): Promise<Locator> {
  const form = page.locator('.ant-card').filter({ hasText: '作出决定' });
  await form.locator('label.ant-radio-button-wrapper').first().waitFor();
  return form;
}

/** Picks a decision in the stage's decision form. */
export const choose = (form: Locator, decision: string) =>
  form.locator('label.ant-radio-button-wrapper', { hasText: new RegExp(`^${decision}$`) }).click();

/** The focused element's name as a keyboard user hears it: its aria-label, its label's text, or its own text. */
const FOCUSED_NAME = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return '';
  return (el.getAttribute('aria-label') || el.closest('label')?.textContent || el.textContent || '').trim();
})()`;

/**
 * Presses Tab (only Tab) until the focused element is named `name`, as a keyboard user moves through a page;
 * fails naming what it passed when `name` is not reached within `maxTabs`.
 */
export async function tabTo(page: Page, name: string | RegExp, maxTabs = 80): Promise<void> {
  const passed: string[] = [];
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    const focused = (await page.evaluate(FOCUSED_NAME)) as string;
    if (typeof name === 'string' ? focused === name : name.test(focused)) return;
    passed.push(focused);
  }
  throw new Error(`Tab never reached "${name}" in ${maxTabs} presses; passed: ${passed.join(' | ')}`);
}
