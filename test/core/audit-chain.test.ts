import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  GENESIS_HASH,
  hashRecord,
  seal,
  type UnsealedRecord,
  verifyChain,
} from '../../functions/core/audit-chain.ts';
import { parseIso, toIso } from '../../functions/core/time.ts';
import { ROLES } from '../../schemas/common.ts';
import { DECISIONS, STAGES } from '../../schemas/domain.ts';
import { type AuditRecord, auditRecordSchema } from '../../schemas/records.ts';

/*
 * What `brokenAt` must report (the contract these tests pin down): the seq position of the first record
 * that does not extend the verified prefix — records 1 … brokenAt-1 form a valid chain, the record at
 * position brokenAt does not (brokenAt = length + 1 when every record verifies but the anchor from the
 * case item, `expected`, does not match). So for a trail of n records:
 *   edit any field (seq, prevHash and hash included) of record k   → k
 *   edit record k and re-seal it (its own hash recomputed)          → k + 1 (its successor's link); n + 1 for k = n with `expected`
 *   remove record k < n                                             → k (position k now holds record k + 1)
 *   remove the last record, with `expected`                         → n
 *   swap records i < j                                              → i
 *   insert before record k a forgery with a bogus hash              → k
 *   insert before record k a well-formed forgery (seq k, linked to k - 1, hashed right)
 *     with `expected`                                               → k, problem `inserted` (walking back from the
 *                                                                     anchored head skips the forgery)
 *     without                                                       → k + 1 (the forgery alone is indistinguishable
 *                                                                     from a genuine record; the displaced record k fails)
 *   insert forgeries anywhere before record n, with `expected`      → the first forgery's position, `inserted`
 *   truncate to m < n records, with `expected`                      → m + 1
 *   append a well-formed forgery after record n, with `expected`    → n + 1
 */

const CASE_ID = 'CASE#01HZX';
const T0 = Date.parse('2026-11-25T01:30:00Z');

const bodyArb = fc.record(
  {
    actor: fc.record({
      sub: fc.string({ minLength: 1, maxLength: 8 }),
      name: fc.string({ maxLength: 8 }),
      role: fc.constantFrom(...ROLES, 'system' as const),
    }),
    action: fc.constantFrom('filed', 'task_opened', 'task_claimed', 'decided', 'objection_filed', 'enrolled'),
    stage: fc.constantFrom(...STAGES),
    decision: fc.constantFrom(...DECISIONS),
    comment: fc.string({ maxLength: 20 }),
    data: fc.dictionary(
      fc.stringMatching(/^[a-z]{1,6}$/),
      fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant(null)),
      { maxKeys: 4 },
    ),
  },
  { requiredKeys: ['actor', 'action'] },
);

type Body = Omit<UnsealedRecord, 'caseId' | 'seq' | 'at'>;

/** Seals bodies into a trail the way the store appends them: seq 1…n, each linked to the one before. */
function chainOf(bodies: readonly Body[]): AuditRecord[] {
  const records: AuditRecord[] = [];
  let prev = GENESIS_HASH;
  bodies.forEach((body, i) => {
    const record = seal(prev, { caseId: CASE_ID, seq: i + 1, at: toIso(T0 + i * 60_000), ...body });
    records.push(record);
    prev = record.hash;
  });
  return records;
}

const chainArb = (minLength: number) => fc.array(bodyArb, { minLength, maxLength: 12 }).map(chainOf);
const expectedOf = (records: readonly AuditRecord[]) => ({
  length: records.length,
  head: records.at(-1)?.hash ?? GENESIS_HASH,
});
/** A forgery's body: `data` carries a key no generated body has, so no forgery equals a genuine record. */
const forgedBody = (body: Body): Body => ({
  ...body,
  data: { ...body.data, forged_by: 'test' },
});
const flipHex = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);

const FIELDS = [
  'caseId',
  'seq',
  'at',
  'actor',
  'action',
  'stage',
  'decision',
  'comment',
  'data',
  'prevHash',
  'hash',
] as const;

/** `record` with `field` changed to a different value (added when absent); `r` varies the change. */
function edited(record: AuditRecord, field: (typeof FIELDS)[number], r: number): AuditRecord {
  const copy = structuredClone(record);
  switch (field) {
    case 'caseId':
    case 'action':
      copy[field] = `${copy[field]}x`;
      break;
    case 'comment':
      copy.comment = r % 3 === 0 && copy.comment !== undefined ? undefined : `${copy.comment ?? ''}x`;
      break;
    case 'seq':
      // Any other number, including ones no trail has (0, negative, far beyond the end).
      copy.seq = r % 2 === 0 ? copy.seq + 1 + r : copy.seq - 1 - r;
      break;
    case 'at':
      copy.at = toIso(parseIso(copy.at) + 1 + r);
      break;
    case 'actor':
      copy.actor = { ...copy.actor, name: `${copy.actor.name}x` };
      break;
    case 'stage':
      copy.stage = STAGES[(STAGES.indexOf(copy.stage ?? STAGES[0]) + 1 + (r % 4)) % STAGES.length];
      break;
    case 'decision':
      copy.decision =
        DECISIONS[(DECISIONS.indexOf(copy.decision ?? DECISIONS[0]) + 1 + (r % 5)) % DECISIONS.length];
      break;
    case 'data':
      copy.data = { ...copy.data, tampered: r };
      break;
    case 'prevHash':
    case 'hash':
      copy[field] = flipHex(copy[field]);
      break;
  }
  return copy;
}

/** The generic contract: the prefix before brokenAt verifies, and brokenAt lies within 1 … length + 1. */
function expectBrokenAtIsFirstFailure(records: readonly AuditRecord[], brokenAt: number | undefined) {
  expect(brokenAt).toBeDefined();
  expect(brokenAt).toBeGreaterThanOrEqual(1);
  expect(brokenAt).toBeLessThanOrEqual(records.length + 1);
  expect(verifyChain(records.slice(0, brokenAt! - 1)).valid).toBe(true);
}

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined properties', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('keeps array order', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it('writes scalars as JSON does', () => {
    for (const v of [null, true, 0, -1.5, 'a"b', '中文']) expect(canonicalJson(v)).toBe(JSON.stringify(v));
  });

  it('writes undefined array elements as null, as JSON does, so [undefined] and [] differ', () => {
    expect(canonicalJson([1, undefined, 2])).toBe('[1,null,2]');
    expect(canonicalJson({ a: [undefined] })).not.toBe(canonicalJson({ a: [] }));
  });

  /** `value` rebuilt with every object's keys in an order drawn from `seed`. */
  function reordered(value: unknown, seed: number): unknown {
    if (Array.isArray(value)) return value.map((v, i) => reordered(v, seed + i));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    let s = seed;
    for (let i = entries.length - 1; i > 0; i--) {
      s = (s * 1103515245 + 12345) >>> 0;
      const j = s % (i + 1);
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, reordered(v, s + k.length)]));
  }

  it('property: independent of key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), (value, seed) => {
        expect(canonicalJson(reordered(value, seed))).toBe(canonicalJson(value));
      }),
    );
  });

  it('property: is JSON for the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe('hashRecord and seal', () => {
  const body: UnsealedRecord = {
    caseId: CASE_ID,
    seq: 1,
    at: '2026-11-25T09:30:00.000+08:00',
    actor: { sub: 'u-1', name: '张三', role: 'applicant' },
    action: 'filed',
  };

  it('seals a record the audit schema accepts, linked to the previous hash', () => {
    const record = seal(GENESIS_HASH, body);
    expect(auditRecordSchema.parse(record)).toEqual(record);
    expect(record.prevHash).toBe(GENESIS_HASH);
    expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes the body without its own hash fields, whatever their key order', () => {
    const record = seal(GENESIS_HASH, body);
    expect(hashRecord(GENESIS_HASH, record)).toBe(record.hash);
    const reversed = Object.fromEntries(Object.entries(body).reverse()) as UnsealedRecord;
    expect(hashRecord(GENESIS_HASH, reversed)).toBe(record.hash);
  });

  it('depends on the previous hash', () => {
    expect(hashRecord(GENESIS_HASH, body)).not.toBe(hashRecord(flipHex(GENESIS_HASH), body));
  });
});

describe('verifyChain', () => {
  it('accepts an empty trail, also against an empty anchor', () => {
    expect(verifyChain([])).toEqual({ valid: true, length: 0 });
    expect(verifyChain([], { length: 0, head: GENESIS_HASH })).toEqual({ valid: true, length: 0 });
  });

  it('property: a sealed trail is valid, with or without its anchor', () => {
    fc.assert(
      fc.property(chainArb(0), (records) => {
        expect(verifyChain(records)).toEqual({ valid: true, length: records.length });
        expect(verifyChain(records, expectedOf(records))).toEqual({ valid: true, length: records.length });
      }),
    );
  });

  it('property: editing any field of record k → brokenAt k', () => {
    fc.assert(
      fc.property(
        chainArb(1),
        fc.nat(),
        fc.constantFrom(...FIELDS),
        fc.nat(1000),
        (records, pick, field, r) => {
          // Arrange
          const k = (pick % records.length) + 1;
          const tampered = records.map((rec) => (rec.seq === k ? edited(rec, field, r) : rec));
          // Act
          const status = verifyChain(tampered, expectedOf(records));
          // Assert
          expect(status.valid).toBe(false);
          expect(status.brokenAt).toBe(k);
          expectBrokenAtIsFirstFailure(tampered, status.brokenAt);
        },
      ),
    );
  });

  it('property: editing record k and re-sealing it → brokenAt k + 1', () => {
    fc.assert(
      fc.property(
        chainArb(1),
        fc.nat(),
        fc.constantFrom('action', 'actor', 'comment', 'data', 'at'),
        fc.nat(1000),
        (records, pick, field, r) => {
          const k = (pick % records.length) + 1;
          const tampered = records.map((rec) => {
            if (rec.seq !== k) return rec;
            const { hash: _h, prevHash, ...body } = edited(rec, field as (typeof FIELDS)[number], r);
            return seal(prevHash, body);
          });
          const status = verifyChain(tampered, expectedOf(records));
          expect(status.valid).toBe(false);
          expect(status.brokenAt).toBe(k + 1);
          expectBrokenAtIsFirstFailure(tampered, status.brokenAt);
        },
      ),
    );
  });

  it('property: removing record k < n → brokenAt k', () => {
    fc.assert(
      fc.property(chainArb(2), fc.nat(), (records, pick) => {
        const k = (pick % (records.length - 1)) + 1;
        const tampered = records.filter((rec) => rec.seq !== k);
        const status = verifyChain(tampered);
        expect(status).toMatchObject({ valid: false, brokenAt: k });
        expectBrokenAtIsFirstFailure(tampered, status.brokenAt);
      }),
    );
  });

  it('property: removing the last record is caught by the anchor → brokenAt n', () => {
    fc.assert(
      fc.property(chainArb(1), (records) => {
        const tampered = records.slice(0, -1);
        // The trail alone cannot tell: what remains is a well-formed chain.
        expect(verifyChain(tampered).valid).toBe(true);
        const status = verifyChain(tampered, expectedOf(records));
        expect(status).toMatchObject({ valid: false, brokenAt: records.length });
      }),
    );
  });

  it('property: swapping records i < j → brokenAt i', () => {
    fc.assert(
      fc.property(chainArb(2), fc.nat(), fc.nat(), (records, a, b) => {
        const n = records.length;
        const i = (a % (n - 1)) + 1;
        const j = i + 1 + (b % (n - i));
        const tampered = [...records];
        [tampered[i - 1], tampered[j - 1]] = [tampered[j - 1]!, tampered[i - 1]!];
        const status = verifyChain(tampered);
        expect(status).toMatchObject({ valid: false, brokenAt: i });
        expectBrokenAtIsFirstFailure(tampered, status.brokenAt);
      }),
    );
  });

  it('property: inserting a forgery with a bogus hash before record k → brokenAt k', () => {
    fc.assert(
      fc.property(chainArb(1), fc.nat(), bodyArb, (records, pick, body) => {
        const k = (pick % records.length) + 1;
        const prevHash = records[k - 2]?.hash ?? GENESIS_HASH;
        const forged: AuditRecord = {
          caseId: CASE_ID,
          seq: k,
          at: records[k - 1]!.at,
          ...body,
          prevHash,
          hash: 'f'.repeat(64),
        };
        const tampered = [...records.slice(0, k - 1), forged, ...records.slice(k - 1)];
        const status = verifyChain(tampered);
        expect(status).toMatchObject({ valid: false, brokenAt: k });
        expectBrokenAtIsFirstFailure(tampered, status.brokenAt);
      }),
    );
  });

  /** `records` with a well-formed forgery before record k: seq k, linked to record k - 1, hashed right. */
  function withWellFormedForgery(records: readonly AuditRecord[], k: number, body: Body) {
    const prevHash = records[k - 2]?.hash ?? GENESIS_HASH;
    const forged = seal(prevHash, { caseId: CASE_ID, seq: k, at: records[k - 1]!.at, ...forgedBody(body) });
    return [...records.slice(0, k - 1), forged, ...records.slice(k - 1)];
  }

  it('property: inserting a well-formed forgery before record k, with the anchor → brokenAt k, inserted', () => {
    fc.assert(
      fc.property(chainArb(1), fc.nat(), bodyArb, (records, pick, body) => {
        // Arrange
        const k = (pick % records.length) + 1;
        const tampered = withWellFormedForgery(records, k, body);
        // Act
        const status = verifyChain(tampered, expectedOf(records));
        // Assert
        expect(status).toEqual({
          valid: false,
          length: records.length + 1,
          brokenAt: k,
          problem: 'inserted',
        });
        expectBrokenAtIsFirstFailure(tampered, status.brokenAt);
      }),
    );
  });

  it('property: inserting a well-formed forgery before record k, without the anchor → brokenAt k + 1', () => {
    fc.assert(
      fc.property(chainArb(1), fc.nat(), bodyArb, (records, pick, body) => {
        const k = (pick % records.length) + 1;
        const tampered = withWellFormedForgery(records, k, body);
        // Nothing but the anchor tells the forgery from record k: both claim seq k and link to record k - 1.
        const status = verifyChain(tampered);
        expect(status).toMatchObject({ valid: false, brokenAt: k + 1, problem: 'sequence' });
        expectBrokenAtIsFirstFailure(tampered, status.brokenAt);
      }),
    );
  });

  it('property: inserting forgeries anywhere before the last record, with the anchor → the first one, inserted', () => {
    const forgeryArb = fc.record({ slot: fc.nat(), sealed: fc.boolean(), body: bodyArb });
    fc.assert(
      fc.property(chainArb(1), fc.array(forgeryArb, { minLength: 1, maxLength: 4 }), (records, forgeries) => {
        // Arrange: each forgery claims the seq of the slot it takes and links to the record before it
        const last = records.at(-1)!;
        const tampered = [...records];
        const forged = new Set<AuditRecord>();
        for (const { slot, sealed, body } of forgeries) {
          const i = slot % (tampered.indexOf(last) + 1);
          const unsealed = { caseId: CASE_ID, seq: i + 1, at: last.at, ...forgedBody(body) };
          const prevHash = tampered[i - 1]?.hash ?? GENESIS_HASH;
          const record = sealed ? seal(prevHash, unsealed) : { ...unsealed, prevHash, hash: 'f'.repeat(64) };
          tampered.splice(i, 0, record);
          forged.add(record);
        }
        // Act
        const status = verifyChain(tampered, expectedOf(records));
        // Assert
        const first = tampered.findIndex((r) => forged.has(r)) + 1;
        expect(status).toMatchObject({ valid: false, brokenAt: first, problem: 'inserted' });
        expectBrokenAtIsFirstFailure(tampered, status.brokenAt);
      }),
    );
  });

  it('property: truncating the tail to m < n records, with the anchor → brokenAt m + 1', () => {
    fc.assert(
      fc.property(chainArb(1), fc.nat(), (records, pick) => {
        const m = pick % records.length;
        const status = verifyChain(records.slice(0, m), expectedOf(records));
        expect(status).toEqual({ valid: false, length: m, brokenAt: m + 1, problem: 'truncated' });
      }),
    );
  });

  it('property: appending a well-formed forgery after the anchored head → brokenAt n + 1', () => {
    fc.assert(
      fc.property(chainArb(0), bodyArb, (records, body) => {
        const n = records.length;
        const forged = seal(records.at(-1)?.hash ?? GENESIS_HASH, {
          caseId: CASE_ID,
          seq: n + 1,
          at: toIso(T0 + n * 60_000),
          ...body,
        });
        const status = verifyChain([...records, forged], expectedOf(records));
        expect(status).toMatchObject({ valid: false, brokenAt: n + 1, problem: 'truncated' });
      }),
    );
  });

  it('names the kind of break', () => {
    const records = chainOf([
      { actor: { sub: 'a', name: 'A', role: 'applicant' }, action: 'filed' },
      { actor: { sub: 'v', name: 'V', role: 'village_reviewer' }, action: 'decided', decision: 'approve' },
      { actor: { sub: 't', name: 'T', role: 'township_reviewer' }, action: 'decided', decision: 'approve' },
    ]);
    const [r1, r2, r3] = records as [AuditRecord, AuditRecord, AuditRecord];
    expect(verifyChain([r1, { ...r2, comment: 'x' }, r3]).problem).toBe('content');
    expect(verifyChain([r1, { ...r2, prevHash: flipHex(r2.prevHash) }, r3]).problem).toBe('link');
    expect(verifyChain([r1, r3]).problem).toBe('sequence');
    expect(verifyChain([r1, r2], expectedOf(records)).problem).toBe('truncated');
    expect(verifyChain([r1, { ...r2, comment: 'x' }, r2, r3], expectedOf(records)).problem).toBe('inserted');
  });
});
