import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BOM,
  type CsvColumn,
  csvField,
  PHONE_REDACTED,
  redactPersonalData,
  toCsv,
} from '../../functions/core/csv.ts';
import { residentId } from '../support/fixtures.ts';

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

const ID = residentId(17);
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

  it('property: any text reads back as its redacted, defused value, in the same rows and columns', () => {
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
            expect(cell.replace(/^'/, '')).toBe(redactPersonalData(raw));
          }
        }
      }),
    );
  });
});

describe('redactPersonalData', () => {
  it('masks resident ID numbers to the first 6 and last 4, wherever they stand in a text', () => {
    const masked = `${ID.slice(0, 6)}********${ID.slice(-4)}`;

    expect(redactPersonalData(`户主身份证${ID}，已核实`)).toBe(`户主身份证${masked}，已核实`);
    expect(redactPersonalData(`${ID.slice(0, 17)}x`)).toBe(`${ID.slice(0, 6)}********${ID.slice(14, 17)}X`);
  });

  it('removes mobile and landline numbers', () => {
    expect(redactPersonalData('联系电话13800138000或029-88886666')).toBe(
      `联系电话${PHONE_REDACTED}或${PHONE_REDACTED}`,
    );
  });

  it('leaves ids, hashes, times, incomes and codes alone', () => {
    const untouched = [
      'case_12345678901234567890',
      'a'.repeat(10) + '1'.repeat(18) + 'b'.repeat(36),
      '2026-11-02T09:00:00.000+08:00',
      '5200',
      '611002100201',
      '任务编号 task_0123456789abcdef0123',
    ];
    for (const text of untouched) expect(redactPersonalData(text)).toBe(text);
  });

  it('property: no unmasked ID number or mobile number survives', () => {
    const digits = fc.string({ unit: fc.constantFrom('0', '1', '3', '8', '9', 'X', ' ', '号') });
    fc.assert(
      fc.property(fc.array(fc.oneof(digits, fc.constant(ID), fc.constant('13912345678'))), (parts) => {
        const out = redactPersonalData(parts.join(' '));
        expect(out).not.toMatch(/(?<![\w*])\d{17}[\dX](?![\w*])/);
        expect(out).not.toMatch(/(?<![\w*-])1[3-9]\d{9}(?![\w*])/);
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
