/**
 * The audit record entity (access pattern 1): one sealed record per step, in the case's partition, append-only.
 */
import { z } from 'zod';
import { type AuditRecord, auditRecordSchema } from '../../schemas/records.ts';
import type { UnsealedRecord } from '../core/audit-chain.ts';
import { keys } from './keys.ts';
import type { EntitySchema, Item, TransactItem } from './table.ts';

export const AUDIT_ENTITY = 'audit';

/**
 * A stored audit record. Hashes and times are read as plain strings: a tampered record must come back as data
 * the chain check can flag (core/audit-chain), never as an unreadable item.
 */
export const auditItemSchema = auditRecordSchema.extend({
  seq: z.number(),
  at: z.string(),
  prevHash: z.string(),
  hash: z.string(),
}) satisfies z.ZodType<AuditRecord>;
export const AUDIT: EntitySchema<AuditRecord> = { name: AUDIT_ENTITY, schema: auditItemSchema };

/** One audit record's content; the case transaction numbers and seals it onto the case's chain. */
export type AuditEntry = Omit<UnsealedRecord, 'caseId' | 'seq'>;

/** The record's whole item: its place in the case's partition (keys.audit orders the chain by seq). */
export const auditItem = (r: AuditRecord): Item => ({
  ...keys.audit(r.caseId, r.seq),
  entity: AUDIT_ENTITY,
  ...r,
});

/** The transaction item appending a record: a seq already taken fails the transaction (never overwritten). */
export const putAuditItem = (tableName: string, r: AuditRecord): TransactItem => ({
  Put: { TableName: tableName, Item: auditItem(r), ConditionExpression: 'attribute_not_exists(pk)' },
});
