import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOM, type CsvColumn, csvField, toCsv } from '../../functions/core/csv.ts';
import { maskPersonalData } from '../../functions/core/masking.ts';

/** A reader of RFC 4180 text, written independently of the writer: quoted fields, doubled quotes, CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

const COLUMNS: CsvColumn<{ name: string; n?: number }>[] = [
  { header: '姓名', value: (r) => r.name },
  { header: '数量', value: (r) => r.n },
];

describe('toCsv', () => {
  it('starts with a UTF-8 BOM, ends every line with CRLF and quotes only what RFC 4180 requires', () => {
    const csv = toCsv(COLUMNS, [
      { name: '张三', n: 3 },
      { name: '李, "四"', n: -2.5 },
      { name: '第一行\n第二行' },
    ]);

    expect(csv.startsWith(BOM)).toBe(true);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.slice(1)).toBe('姓名,数量\r\n张三,3\r\n"李, ""四""",-2.5\r\n"第一行\n第二行",\r\n');
  });

  it('property: any text reads back as its masked, defused value, in the same rows and columns', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', '张', ',', '"', '\r', '\n', ' ', '=', '1', '3', 'X'),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(text, text), { maxLength: 8 }), (cells) => {
        const columns: CsvColumn<[string, string]>[] = [
          { header: 'a', value: (r) => r[0] },
          { header: 'b', value: (r) => r[1] },
        ];
        const read = parseCsv(toCsv(columns, cells).slice(BOM.length));
        const unquote = (s: string) => parseCsv(`${csvField(s)}\r\n`)[0]![0]!;

        expect(read).toEqual([['a', 'b'], ...cells.map(([x, y]) => [unquote(x), unquote(y)])]);
        for (const [x, y] of cells) {
          for (const [cell, raw] of [
            [unquote(x), x],
            [unquote(y), y],
          ] as const) {
            expect(cell.replace(/^'/, '')).toBe(maskPersonalData(raw));
          }
        }
      }),
    );
  });
});

describe('csvField', () => {
  it('defuses text a spreadsheet would run as a formula, but not numbers', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-3)).toBe('-3');
    expect(csvField(undefined)).toBe('');
    expect(csvField(true)).toBe('true');
  });
});
