import { createHash } from 'node:crypto';
import type { AuditRecord, ChainStatus } from '../../schemas/records.ts';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level: one byte string per value, whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export type UnsealedRecord = Omit<AuditRecord, 'hash' | 'prevHash'>;

/** SHA-256 over the previous hash and the record's canonical JSON (without its own hash). */
export function hashRecord(prevHash: string, record: UnsealedRecord): string {
  const { hash: _hash, prevHash: _prev, ...body } = record as AuditRecord;
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(body)).digest('hex');
}

/** Seals a record onto a chain whose last hash is `prevHash`. */
export function seal(prevHash: string, record: UnsealedRecord): AuditRecord {
  return { ...record, prevHash, hash: hashRecord(prevHash, record) };
}

/** What the case item records of its trail: how many records, and the last one's hash. */
export interface ChainAnchor {
  length: number;
  head: string;
}

/**
 * Verifies a trail read in sequence order. `brokenAt` is the position (1-based, the seq a record there should
 * carry) of the first record that fails: edited (its hash no longer matches), reordered (its seq or prevHash
 * does not follow), the first record after a removed one, or an inserted one. `expected`, the length and head
 * the case item records, catches a removed tail and tells inserted records apart (see `firstInserted`).
 */
export function verifyChain(records: readonly AuditRecord[], expected?: ChainAnchor): ChainStatus {
  const status = firstBreak(records, expected);
  // A trail that holds together but ends off the anchor lost its tail, or grew past it: nothing to pin.
  if (status.valid || !expected || status.problem === 'truncated') return status;
  const inserted = firstInserted(records, expected);
  return inserted === undefined ? status : { ...status, brokenAt: inserted, problem: 'inserted' };
}

/** The first record that does not extend the chain read so far, in trail order. */
function firstBreak(records: readonly AuditRecord[], expected?: ChainAnchor): ChainStatus {
  let prev = GENESIS_HASH;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const seq = i + 1;
    if (r.seq !== seq) return { valid: false, length: records.length, brokenAt: seq, problem: 'sequence' };
    if (r.prevHash !== prev)
      return { valid: false, length: records.length, brokenAt: r.seq, problem: 'link' };
    if (hashRecord(prev, r) !== r.hash) {
      return { valid: false, length: records.length, brokenAt: r.seq, problem: 'content' };
    }
    prev = r.hash;
  }
  if (expected && (expected.length !== records.length || expected.head !== prev)) {
    return {
      valid: false,
      length: records.length,
      brokenAt: Math.min(records.length, expected.length) + 1,
      problem: 'truncated',
    };
  }
  return { valid: true, length: records.length };
}

/**
 * The position of the first inserted record, when the trail still holds the whole anchored chain intact and in
 * order: walking back from the anchored head along prevHash, every record sealed and numbered right, reaches
 * the genesis in `expected.length` steps. The records that walk skips are the inserted ones. A forgery that
 * is itself well formed (seq k, linked to record k - 1, hashed right) passes the forward check, which only
 * trips on the displaced genuine record after it; the anchor is what tells which of the two is genuine.
 * Undefined when the walk fails: then something else was done to the chain (an edit, a removal, a swap).
 */
function firstInserted(records: readonly AuditRecord[], expected: ChainAnchor): number | undefined {
  const positions = new Map<string, number[]>();
  records.forEach((r, i) => {
    if (hashRecord(r.prevHash, r) === r.hash) positions.set(r.hash, [...(positions.get(r.hash) ?? []), i]);
  });
  const onChain = new Set<number>();
  let hash = expected.head;
  let before = records.length;
  for (let seq = expected.length; seq >= 1; seq--) {
    const at = positions.get(hash)?.findLast((i) => i < before && records[i]!.seq === seq);
    if (at === undefined) return undefined;
    onChain.add(at);
    before = at;
    hash = records[at]!.prevHash;
  }
  if (hash !== GENESIS_HASH) return undefined;
  const first = records.findIndex((_, i) => !onChain.has(i));
  return first < 0 ? undefined : first + 1;
}
