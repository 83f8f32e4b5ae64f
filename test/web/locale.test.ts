import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/en.ts';
import { zhCN } from '../../web/src/i18n/zh-CN.ts';

type Tree = { readonly [key: string]: string | Tree };

/** Every leaf of a locale tree as `path → text`. */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(path, v);
    else for (const [p, s] of leaves(v, path)) out.set(p, s);
  }
  return out;
}

/** Chinese characters and full-width punctuation (，：、（）《》…). */
const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;
const variables = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

/** The one English string meant to be Chinese: the language button names Chinese in its own script. */
const CHINESE_ON_PURPOSE = new Set(['session.language']);

const zh = leaves(zhCN as Tree);
const english = leaves(en as Tree);

describe('the console speaks both languages', () => {
  it('has every Chinese key in English and no English key without its Chinese', () => {
    expect([...zh.keys()].filter((k) => !english.has(k))).toEqual([]);
    expect([...english.keys()].filter((k) => !zh.has(k))).toEqual([]);
  });

  it('keeps each string’s {{variables}} in its translation', () => {
    const differ = [...zh].filter(
      ([k, s]) => english.has(k) && `${variables(s)}` !== `${variables(english.get(k)!)}`,
    );
    expect(differ.map(([k]) => k)).toEqual([]);
  });

  it('leaves no Chinese in the English strings', () => {
    const chinese = [...english].filter(([k, s]) => CJK.test(s) && !CHINESE_ON_PURPOSE.has(k));
    expect(chinese).toEqual([]);
  });

  it('writes no Chinese text or punctuation in the pages themselves: every word comes from the locale files', async () => {
    const root = join(process.cwd(), 'web', 'src');
    const files = (await readdir(root, { recursive: true }))
      .filter((f) => /\.tsx?$/.test(f) && !/(^|\/)(zh-CN|en|locale)\.ts$/.test(f))
      .map((f) => join(root, f));
    const found: string[] = [];
    for (const file of files) {
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        // comments may quote the domain's Chinese terms
        const code = line.replace(/\/\/.*$/, '').replace(/^\s*(\/\*\*|\*).*$/, '');
        if (CJK.test(code)) found.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });
});
