/** The county policy entity: the current policy and every stored version, in the county's policy partition. */

import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { actorSchema } from '../../schemas/records.ts';
import { defaultPolicy, type Policy, VILLAGE_VOTE_RULES } from '../core/policy.ts';
import { keys } from './keys.ts';
import { type EntitySchema, type Page, type PageRequest, storedObject, type Table } from './table.ts';

export const POLICY_ENTITY = 'policy';
export const POLICY_VERSION_ENTITY = 'policyVersion';

/** Who changed a county setting (policy, calendar), when and why: kept on every stored version. */
export const settingChangeItemSchema = z.object({
  changedBy: actorSchema,
  changedAt: z.string(),
  comment: z.string().optional(),
});
export type SettingChange = z.infer<typeof settingChangeItemSchema>;

/** A stored version of a county's policy; `#CURRENT` holds a copy of the newest. */
export const policyRecordSchema = settingChangeItemSchema.extend({
  county: z.string(),
  version: z.number(),
  order: z.enum(['standard', 'publicity_after_village']),
  villageVote: z.enum(VILLAGE_VOTE_RULES).optional(),
  monitoringLine: z.record(z.string(), z.number()).optional(),
  riskElimination: z.object({ minEnrolledMonths: z.number() }).optional(),
  /** a policy stored before a limit existed lacks it: readers complete it (core/policy withDefaultLimits) */
  limits: storedObject<Policy['limits']>(),
});
export type PolicyRecord = z.infer<typeof policyRecordSchema>;
const POLICY: EntitySchema<PolicyRecord> = { name: POLICY_ENTITY, schema: policyRecordSchema };

// Fails to compile when Policy gains a field the stored schema would drop on read.
policyRecordSchema.shape satisfies Record<keyof Policy, z.ZodType>;

/** The county's current policy with who changed it, when and why. */
export const getPolicyRecord = (table: Table, county: string): Promise<PolicyRecord | undefined> =>
  table.get(POLICY, keys.policy(county));

/** The county's current policy as a case snapshots it: without who changed it. */
export async function getPolicy(table: Table, county: string): Promise<Policy | undefined> {
  const record = await getPolicyRecord(table, county);
  if (!record) return undefined;
  const { changedBy: _by, changedAt: _at, comment: _comment, ...policy } = record;
  return policy;
}

/**
 * Stores `record` as the county's policy version `record.version` and makes it current, in one transaction
 * that holds only while the current version is still `record.version - 1`: of two concurrent changes based
 * on the same version, one wins and the other gets a 409.
 */
export const putPolicy = (table: Table, record: PolicyRecord): Promise<void> =>
  table.putVersioned(
    { ...keys.policy(record.county), entity: POLICY_ENTITY, ...record },
    { ...keys.policyVersion(record.county, record.version), entity: POLICY_VERSION_ENTITY, ...record },
    record.version - 1,
    'policy',
  );

/** The county's policy versions, newest first: one Query on the policy partition. */
export const policyHistory = (table: Table, county: string, page: PageRequest): Promise<Page<PolicyRecord>> =>
  table.page(
    POLICY,
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.policyPartition(county), ':prefix': keys.versionPrefix },
      ScanIndexForward: false,
    },
    page,
  );

/** Which policy a case started with: the county and the version, which never changes once stored. */
export const policyRefSchema = z.object({ county: z.string(), version: z.int() });
export type PolicyRef = z.infer<typeof policyRefSchema>;

/**
 * The reference a case keeps instead of a copy of `policy`, when the reference reads the same policy back without
 * a request: the county's defaults (version 0). A stored version stays copied for now: every function that reads
 * a case would have to read the version item too (the audit API may not GetItem), see docs/data-model.md.
 */
export function policyRefOf(policy: Policy): PolicyRef | undefined {
  return policy.version === 0 && isDeepStrictEqual(policy, defaultPolicy(policy.county))
    ? { county: policy.county, version: 0 }
    : undefined;
}

/** The policy a reference names, when it reads back without a request (policyRefOf); otherwise none. */
export const resolvedPolicy = (ref: PolicyRef): Policy | undefined =>
  ref.version === 0 ? defaultPolicy(ref.county) : undefined;
