import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskDeep, maskPersonalData, PHONE_REDACTED } from '../../functions/core/masking.ts';
import { checkDigit, maskId } from '../../schemas/resident-id.ts';
import { residentId } from '../support/fixtures.ts';

const ID = residentId(17);
const MASKED = maskId(ID);

/** A valid resident ID: any region, a birth date 1900–2099, any sequence, its check character. */
const residentIdArb = fc
  .record({
    region: fc.integer({ min: 110000, max: 659999 }),
    birth: fc.date({
      min: new Date('1900-01-01T00:00:00Z'),
      max: new Date('2099-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
    seq: fc.integer({ min: 0, max: 999 }),
  })
  .map(({ region, birth, seq }) => {
    const first17 = `${region}${birth.toISOString().slice(0, 10).replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
    return first17 + checkDigit(first17);
  });

/** How an ID number is written in free text: alone, glued to letters, in 6-8-4 groups, with a lower-case x. */
const idForms = (id: string) => [
  id,
  `ABC${id}`,
  `${id}abc`,
  `身份证${id}号`,
  `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`,
  `${id.slice(0, 6)}-${id.slice(6, 14)}-${id.slice(14)}`,
  id.replace(/X$/, 'x'),
];

const mobileArb = fc
  .tuple(fc.constantFrom('3', '4', '5', '6', '7', '8', '9'), fc.integer({ min: 0, max: 999_999_999 }))
  .map(([second, rest]) => `1${second}${String(rest).padStart(9, '0')}`);

/** How a mobile number is written: +86 with and without spaces, 3-4-4 groups with spaces or hyphens. */
const mobileForms = (m: string) => {
  const [a, b, c] = [m.slice(0, 3), m.slice(3, 7), m.slice(7)];
  return [m, `+86 ${a} ${b} ${c}`, `+86 ${m}`, `+86${m}`, `0086-${m}`, `${a}-${b}-${c}`, `${a} ${b} ${c}`];
};

/** Free text without digits (what surrounds a number), so a number's digits can only come from the number. */
const prose = fc.string({
  unit: fc.constantFrom('张', '三', '，', '。', ' ', ':', '电', '话', '(', ')', '、'),
});

/** Asserts no trace of `id` (its 18 characters, separators aside) is left in `out`. */
const expectNoId = (out: string, id: string) =>
  expect(out.replace(/[ -]/g, '').toUpperCase()).not.toContain(id);
/** Asserts none of the mobile number's 11 digits are left together in `out`. */
const expectNoMobile = (out: string, mobile: string) => expect(out.replace(/\D/g, '')).not.toContain(mobile);

describe('maskPersonalData', () => {
  it('masks resident ID numbers to the first 6 and last 4, wherever they stand in a text', () => {
    expect(maskPersonalData(`户主身份证${ID}，已核实`)).toBe(`户主身份证${MASKED}，已核实`);
    expect(maskPersonalData(`${ID.slice(0, 17)}x`)).toBe(`${ID.slice(0, 6)}********${ID.slice(14, 17)}X`);
    expect(maskPersonalData(`ABC${ID}`)).toBe(`ABC${MASKED}`);
    expect(maskPersonalData(`${ID.slice(0, 6)} ${ID.slice(6, 14)} ${ID.slice(14)}`)).toBe(MASKED);
  });

  it('removes mobile and landline numbers however they are grouped', () => {
    for (const phone of [
      '13800138000',
      '+86 138 0013 8000',
      '+8613800138000',
      '138-0013-8000',
      '138 0013 8000',
      '029-88886666',
      '(029) 8888 6666',
      '0571 8888666',
    ]) {
      expect(maskPersonalData(`联系电话${phone}。`), phone).toBe(`联系电话${PHONE_REDACTED}。`);
    }
  });

  it('leaves ids, hashes, times, dates, incomes and codes alone', () => {
    const untouched = [
      'case_12345678901234567890',
      'a'.repeat(10) + '1'.repeat(18) + 'b'.repeat(36),
      '2026-11-02T09:00:00.000+08:00',
      '2026-11-02',
      '5200',
      '611002100201',
      '任务编号 task_0123456789abcdef0123',
      '6222021234567890123',
    ];
    for (const text of untouched) expect(maskPersonalData(text)).toBe(text);
  });

  it('property: no ID number survives in any written form, and its masked form is what is left', () => {
    fc.assert(
      fc.property(residentIdArb, fc.nat(6), prose, prose, (id, form, before, after) => {
        const written = idForms(id)[form]!;

        const out = maskPersonalData(`${before}${written}${after}`);

        expectNoId(out, id);
        expect(out).toContain(maskId(id));
        expect(out.startsWith(before) && out.endsWith(after)).toBe(true);
      }),
    );
  });

  it('property: no mobile number survives in any written form', () => {
    fc.assert(
      fc.property(mobileArb, fc.nat(6), prose, prose, (mobile, form, before, after) => {
        const out = maskPersonalData(`${before} ${mobileForms(mobile)[form]!} ${after}`);

        expectNoMobile(out, mobile);
        expect(out).toBe(`${before} ${PHONE_REDACTED} ${after}`);
      }),
    );
  });

  it('property: a text mixing many ID and phone numbers keeps none of them, and masking twice changes nothing', () => {
    const part = fc.oneof(
      prose.map((text) => ({ text })),
      fc.tuple(residentIdArb, fc.nat(6)).map(([id, f]) => ({ text: idForms(id)[f]!, id })),
      fc.tuple(mobileArb, fc.nat(6)).map(([mobile, f]) => ({ text: mobileForms(mobile)[f]!, mobile })),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 8 }), (parts) => {
        const out = maskPersonalData(parts.map((p) => p.text).join('，'));

        for (const p of parts) {
          if ('id' in p && p.id) expectNoId(out, p.id);
          if ('mobile' in p && p.mobile) expectNoMobile(out, p.mobile);
        }
        expect(maskPersonalData(out)).toBe(out);
      }),
    );
  });

  it('property: text without digits is returned unchanged', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const text = s.replace(/\d/g, '');
        expect(maskPersonalData(text)).toBe(text);
      }),
    );
  });
});

describe('maskDeep', () => {
  it('masks every string of a nested value and keeps its shape, keys and other values', () => {
    const value = {
      comment: `核实${ID}`,
      n: 3,
      ok: true,
      none: null,
      list: [`电话 13800138000`, { deep: ID }],
    };

    expect(maskDeep(value)).toEqual({
      comment: `核实${MASKED}`,
      n: 3,
      ok: true,
      none: null,
      list: [`电话 ${PHONE_REDACTED}`, { deep: MASKED }],
    });
  });
});
