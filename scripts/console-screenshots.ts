/**
 * `npm run docs:screenshots`: the README's pictures of the console (docs/img/inbox.png, docs/img/dashboard.png),
 * taken from the real console on a local runtime at 1366×768 in Debian's Chromium (CJK text in the Noto fonts of
 * fonts-noto-cjk). The inbox is the demo village's after a few filings; the dashboard reads a seeded year of the
 * demo county (bench/seed.ts).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { seedCounty } from '../bench/seed.ts';
import { Store } from '../functions/store/store.ts';
import { repoPath } from '../infra/paths.ts';
import { validHousehold } from '../test/support/fixtures.ts';
import { login } from '../test/support/runtime.ts';
import { startConsole } from '../test/web/support/browser.ts';

const OUT = repoPath('docs/img');
/** The simulated now: the dashboard's window is the twelve months before it. */
const NOW = Date.parse('2026-11-30T10:00:00+08:00');
const HEADS = ['王德福', '李秀英', '张建国', '刘桂兰', '陈志强', '杨春梅', '赵永刚', '黄玉珍', '周海涛'];

const h = await startConsole({ timeScale: 1, startAt: NOW, name: 'docs' });
try {
  await seedCounty({
    store: Store.fromEnv(),
    cases: 2000,
    now: NOW,
    stateMachineArn: process.env.IDENTIFICATION_STATE_MACHINE_ARN!,
  });
  const applicant = await login(h.url, 'applicant');
  for (const [i, name] of HEADS.entries()) {
    const household = validHousehold(800 + i);
    const res = await applicant.post('/api/cases', {
      procedure: 'identification',
      household: { ...household, head: { ...household.head, name } },
    });
    if (res.status !== 201) throw new Error(`filing ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  await mkdir(OUT, { recursive: true });

  const village = await h.open('village');
  await village.page
    .locator('tbody tr[data-row-key]')
    .nth(HEADS.length - 1)
    .waitFor({ timeout: 60_000 });
  // a couple of tasks claimed, as a morning's work has them
  for (const name of HEADS.slice(0, 2)) {
    const row = village.page.getByRole('row').filter({ hasText: name });
    await row.getByRole('button', { name: /^认\s*领$/ }).click();
    await row.getByText('我', { exact: true }).waitFor();
  }
  await village.check('inbox');
  await village.page.mouse.move(0, 0);
  await village.page.screenshot({ path: join(OUT, 'inbox.png') });

  const auditor = await h.open('auditor');
  for (const chart of [/各环节用时分位数/, /各乡镇用时分位数/, /排队时间与办理时间/, /超时分布/]) {
    await auditor.page.getByRole('img', { name: chart }).locator('svg').waitFor({ timeout: 120_000 });
  }
  await auditor.check('dashboard');
  await auditor.page.screenshot({ path: join(OUT, 'dashboard.png') });
  console.log(`wrote ${join(OUT, 'inbox.png')} and ${join(OUT, 'dashboard.png')}`);
} finally {
  await h.close();
}
