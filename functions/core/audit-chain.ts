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

/**
 * Verifies a trail read in sequence order. `brokenAt` is the seq of the first record that fails: edited
 * (its hash no longer matches), inserted or reordered (its seq or prevHash does not follow), or the first
 * record after a removed one. `expectedLength`/`expectedHead`, from the case item, catch a removed tail.
 */
export function verifyChain(
  records: readonly AuditRecord[],
  expected?: { length: number; head: string },
): ChainStatus {
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
