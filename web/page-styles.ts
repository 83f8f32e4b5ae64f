/**
 * The build's page sheets (web/src/page-styles.tsx): Ant Design's styles of each early-drawn page, rendered once at
 * build time with the console's theme, as hashed assets, and their names in index.html for the boot to pick the
 * page's. A deep link's page then draws without Ant Design generating and injecting those styles in the browser
 * (about 40 % of React's first render of the frame and the page at 4× CPU throttling: docs/operations.md).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { ASSETS_PATH, PAGE_SHEETS_ID } from './serving.ts';

const WEB = fileURLToPath(new URL('.', import.meta.url));
const TSX = join(WEB, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** Renders the sheets in a process of its own: production antd (its development build names classes apart). */
function renderSheets(): Promise<Record<string, string>> {
  const child = spawn(
    process.execPath,
    [TSX, '--tsconfig', join(WEB, 'tsconfig.json'), join(WEB, 'src', 'render-page-styles.tsx')],
    { env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const out: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0
        ? resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as Record<string, string>)
        : reject(new Error(`page styles failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

/** Vite plugin: the sheets as `assets/<page>-<hash>.css`, named in index.html. */
export function pageStyles(): Plugin {
  let sheets: Promise<{ page: string; fileName: string; css: string }[]> | undefined;
  return {
    name: 'page-styles',
    apply: 'build',
    buildStart() {
      sheets = renderSheets().then((rendered) =>
        Object.entries(rendered).map(([page, css]) => ({
          page,
          css,
          fileName: `${ASSETS_PATH.slice(1)}${page}-${createHash('sha256').update(css).digest('hex').slice(0, 8)}.css`,
        })),
      );
    },
    async transformIndexHtml() {
      const named = Object.fromEntries((await sheets!).map((s) => [s.page, `/${s.fileName}`]));
      return [
        {
          tag: 'script',
          attrs: { type: 'application/json', id: PAGE_SHEETS_ID },
          children: JSON.stringify(named),
          injectTo: 'head',
        },
      ];
    },
    async generateBundle() {
      for (const s of await sheets!) this.emitFile({ type: 'asset', fileName: s.fileName, source: s.css });
    },
  };
}
