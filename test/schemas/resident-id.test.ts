import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { residentIdSchema } from '../../schemas/common.ts';
import { checkDigit, maskId, residentIdProblem } from '../../schemas/resident-id.ts';

const CHECK_CHARS = '0123456789X';

/** 17 leading digits whose birth date (digits 7–14) is a real date from 1900 on. */
const first17Arb = fc
  .tuple(
    fc.stringMatching(/^\d{6}$/),
    fc.date({
      min: new Date('1900-01-01T00:00:00Z'),
      max: new Date('2099-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
    fc.stringMatching(/^\d{3}$/),
  )
  .map(
    ([region, birth, order]) => `${region}${birth.toISOString().slice(0, 10).replaceAll('-', '')}${order}`,
  );

const validIdArb = first17Arb.map((first17) => first17 + checkDigit(first17));

describe('checkDigit (GB 11643 MOD 11-2)', () => {
  // Worked by hand: Σ digit×weight with weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, then '10X98765432'[Σ mod 11].
  it.each([
    // Σ = 167, 167 mod 11 = 2 → 'X' (the standard's own example)
    ['11010519491231002', 'X'],
    // Σ = 195, 195 mod 11 = 8 → '4'
    ['44052418800101001', '4'],
    // Σ = 144, 144 mod 11 = 1 → '0'
    ['61100219800101001', '0'],
    // Σ = 1×2 + 9×1 + 1×9 + 1×5 = 25, 25 mod 11 = 3 → '9'
    ['00000019000101000', '9'],
  ])('%s → %s', (first17, expected) => {
    expect(checkDigit(first17)).toBe(expected);
  });

  it('maps every remainder 0..10 to its character', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(first17Arb, (first17) => {
        seen.add(checkDigit(first17));
      }),
      { numRuns: 500 },
    );
    // Assert
    expect([...seen].sort()).toEqual([...CHECK_CHARS].sort());
  });
});

describe('residentIdProblem', () => {
  it.each(['11010519491231002X', '611002198001010010'])('accepts %s', (id) => {
    expect(residentIdProblem(id)).toBeNull();
  });

  it("rejects the standard's 1880 example: births before 1900 are out of range despite a right check digit", () => {
    expect(checkDigit('44052418800101001')).toBe('4');
    expect(residentIdProblem('440524188001010014')).toBe('birth_date');
  });

  it('accepts first17 + its check digit and rejects every other final character', () => {
    fc.assert(
      fc.property(first17Arb, (first17) => {
        const good = checkDigit(first17);
        expect(residentIdProblem(first17 + good)).toBeNull();
        for (const c of CHECK_CHARS) {
          if (c !== good) expect(residentIdProblem(first17 + c)).toBe('check_digit');
        }
      }),
    );
  });

  it('detects any single changed character', () => {
    fc.assert(
      fc.property(validIdArb, fc.nat(17), fc.integer({ min: 1, max: 10 }), (id, pos, shift) => {
        // Arrange: replace position `pos` with a different digit (or X at the check position).
        const alphabet = pos === 17 ? CHECK_CHARS : '0123456789';
        const current = alphabet.indexOf(id[pos]!);
        const replacement = alphabet[(current + (shift % alphabet.length || 1)) % alphabet.length]!;
        const changed = id.slice(0, pos) + replacement + id.slice(pos + 1);
        // Act / Assert: a changed birth-date digit may be caught as a bad date instead; never accepted.
        expect(changed).not.toBe(id);
        expect(residentIdProblem(changed)).not.toBeNull();
      }),
    );
  });

  it('detects two swapped adjacent digits among the first 17', () => {
    fc.assert(
      fc.property(validIdArb, fc.nat(15), (id, pos) => {
        fc.pre(id[pos] !== id[pos + 1]);
        const swapped = id.slice(0, pos) + id[pos + 1] + id[pos] + id.slice(pos + 2);
        expect(residentIdProblem(swapped)).not.toBeNull();
      }),
    );
  });

  it.each([
    ['month 13', '110105194913010010'],
    ['month 00', '110105194900010010'],
    ['day 00', '110105194912000010'],
    ['31 April', '110105194904310010'],
    ['29 February 1900 (not a leap year)', '110105190002290010'],
    ['29 February 2023', '110105202302290010'],
    ['born before 1900', '110105189912310010'],
  ])('rejects a birth date with %s', (_label, id) => {
    expect(residentIdProblem(id)).toBe('birth_date');
  });

  it('accepts 29 February of a leap year (2000)', () => {
    const first17 = '11010520000229001';
    expect(residentIdProblem(first17 + checkDigit(first17))).toBeNull();
  });

  it('reports the birth date before the check digit', () => {
    // A bad date with whatever last character is a date problem, not a check-digit one.
    expect(residentIdProblem('110105194913310011')).toBe('birth_date');
  });

  it.each([
    ['empty', ''],
    ['15-digit old-style ID', '110105491231002'],
    ['17 digits', '11010519491231002'],
    ['19 characters', '11010519491231002X0'],
    ['lowercase x', '11010519491231002x'],
    ['X not at the end', '1101051949123100X2'],
    ['letters', '11010519491231ABCD'],
    ['spaces around', ' 11010519491231002X'],
    ['full-width digits', '１１０１０５１９４９１２３１００２X'],
  ])('rejects the format: %s', (_label, id) => {
    expect(residentIdProblem(id)).toBe('format');
  });

  it('the zod schema names the problem as rule resident_id_<problem>', () => {
    const rules = (id: string) =>
      residentIdSchema
        .safeParse(id)
        .error?.issues.map((i) => (i as { params?: { rule?: string } }).params?.rule);
    expect(residentIdSchema.safeParse('11010519491231002X').success).toBe(true);
    expect(rules('110105194912310021')).toEqual(['resident_id_check_digit']);
    expect(rules('110105194913310011')).toEqual(['resident_id_birth_date']);
    expect(rules('1101051949')).toEqual(['resident_id_format']);
  });
});

describe('maskId', () => {
  it('shows only the first 6 and the last 4 characters of an 18-character ID', () => {
    expect(maskId('11010519491231002X')).toBe('110105********002X');
  });

  it('hides the birth date and keeps the length, for any ID', () => {
    fc.assert(
      fc.property(validIdArb, (id) => {
        const masked = maskId(id);
        expect(masked).toHaveLength(18);
        expect(masked.slice(0, 6)).toBe(id.slice(0, 6));
        expect(masked.slice(-4)).toBe(id.slice(-4));
        expect(masked.slice(6, 14)).toBe('********');
      }),
    );
  });

  it('masks strings of any length: first 6 + last 4 when longer than 10, else everything', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const masked = maskId(s);
        expect(masked).toHaveLength(s.length);
        if (s.length <= 10) expect(masked).toBe('*'.repeat(s.length));
        else expect(masked).toBe(s.slice(0, 6) + '*'.repeat(s.length - 10) + s.slice(-4));
      }),
    );
  });
});
