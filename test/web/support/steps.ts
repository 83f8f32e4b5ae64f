import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { type ConsoleHarness, settled, type UserTab } from './browser.ts';

/** Looks for `target` on this page of a cursor-paged list and on each next page, as a user would page on. */
async function onSomePage(page: Page, target: Locator): Promise<boolean> {
  for (;;) {
    if (await target.first().isVisible()) return true;
    const next = page.getByRole('button', { name: '下一页' });
    if (!(await next.count()) || (await next.isDisabled())) return false;
    const answered = page.waitForResponse((r) => new URL(r.url()).searchParams.has('cursor'));
    await next.click();
    await answered;
    await settled(page);
  }
}

/**
 * Reloads `path` until `locator(page)` shows (on any page of its list), for what the workflow does in the
 * background: each load is judged once the page has drawn its data (however long that takes on a loaded
 * machine), then reloaded after a pause.
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
    if (await onSomePage(tab.page, target)) return target;
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

/** The focused element's role and name as a keyboard user hears them (its aria-label, its label's text, its text). */
const FOCUSED = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return { role: '', name: '' };
  const input = el.tagName === 'INPUT' ? el.type : '';
  const role = el.getAttribute('role') || { A: 'link', BUTTON: 'button', TEXTAREA: 'textbox' }[el.tagName] ||
    (input === 'radio' || input === 'checkbox' ? input : input ? 'textbox' : el.tagName.toLowerCase());
  const name = (el.getAttribute('aria-label') || el.closest('label')?.textContent || el.textContent || '').trim();
  return { role, name };
})()`;

/**
 * Presses Tab (only Tab) until the focused element is the `role` named `name`, as a keyboard user moves through
 * a page; fails naming what it passed when that is not reached within `maxTabs`.
 */
export async function tabTo(page: Page, role: string, name: string, maxTabs = 80): Promise<void> {
  const passed: string[] = [];
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    const focused = (await page.evaluate(FOCUSED)) as { role: string; name: string };
    if (focused.role === role && focused.name === name) return;
    passed.push(`${focused.role} ${focused.name}`);
  }
  throw new Error(
    `Tab never reached the ${role} "${name}" in ${maxTabs} presses; passed: ${passed.join(' | ')}`,
  );
}

/** Chinese characters and full-width punctuation. */
const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;
/** Every string inside a JSON value that holds Chinese: the data a page shows as it was entered. */
function chineseData(value: unknown, out: Set<string>): void {
  if (typeof value === 'string') {
    if (CJK.test(value)) out.add(value);
  } else if (Array.isArray(value)) for (const v of value) chineseData(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) chineseData(v, out);
}
const PAGE_WORDS = `(() => [document.body.innerText,
  ...[...document.querySelectorAll('[aria-label], [placeholder], [title], [alt]')].flatMap((el) =>
    ['aria-label', 'placeholder', 'title', 'alt'].map((a) => el.getAttribute(a) ?? ''))].join('\\n'))()`;

/**
 * The Chinese a page shows that is not data: what the page draws (its text, and the labels, placeholders and
 * titles a screen reader or a hover reads) with every Chinese string of the API's answers taken out (names,
 * addresses, comments are what people typed) and the language button, which names Chinese in its own script.
 * In English, nothing should be left.
 */
export async function untranslated(tab: UserTab): Promise<string[]> {
  await settled(tab.page);
  const data = new Set<string>(['中文']);
  for (const body of tab.apiBodies) {
    try {
      chineseData(JSON.parse(body), data);
    } catch {
      // not JSON (the notice's HTML, a CSV): the page shows it in a frame or a file, never as its own words
    }
  }
  let text = (await tab.page.evaluate(PAGE_WORDS)) as string;
  for (const d of [...data].sort((a, b) => b.length - a.length)) text = text.split(d).join(' ');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => CJK.test(line));
}

/** Signs `username` in on the login page switched to English, as a user who reads no Chinese would. */
export async function signInInEnglish(h: ConsoleHarness, username: string): Promise<UserTab> {
  const tab = await h.open();
  await tab.page.goto(`${h.url}/login`);
  await tab.page.getByRole('button', { name: 'English' }).click();
  await tab.page.getByLabel('Username').fill(username);
  await tab.page.getByLabel('Password').fill('demo');
  await tab.page.getByRole('button', { name: 'Sign in' }).click();
  await tab.page.getByTestId('session-user').waitFor();
  return tab;
}

/** A step's checks in English: the usual ones (which wait for every answer untranslated() reads), then no Chinese but the data. */
export async function checkEnglish(tab: UserTab, name: string): Promise<void> {
  await tab.check(name);
  await expect(untranslated(tab)).resolves.toEqual([]);
}
