import { z } from 'zod';
import {
  commentSchema,
  countyQuerySchema,
  limitSchema,
  publicityLimitSchema,
  settingChangeSchema,
} from '../../schemas/admin.ts';
import { countyCodeSchema } from '../../schemas/common.ts';
import { pageQuerySchema } from '../../schemas/queries.ts';
import type { User } from '../../schemas/records.ts';
import { adminCounty } from '../core/access.ts';
import type { Limit } from '../core/calendar.ts';
import { conflict, DomainError } from '../core/errors.ts';
import { DEFAULT_MIN_ENROLLED_MONTHS } from '../core/monitoring.ts';
import {
  DEFAULT_VILLAGE_VOTE,
  defaultPolicy,
  minEnrolledMonths,
  type Policy,
  type StageOrder,
  VILLAGE_VOTE_RULES,
  withDefaultLimits,
} from '../core/policy.ts';
import { STAGE_ORDERS } from '../core/procedure.ts';
import { toIso } from '../core/time.ts';
import type { PolicyRecord } from '../store/policy.ts';
import type { Page } from '../store/table.ts';
import { actorOf } from './cases.ts';
import type { Deps } from './deps.ts';

/** One schema per limit of the Policy type: a limit added to the type fails to compile until it is listed here. */
const LIMIT_SCHEMAS = {
  village_review: limitSchema,
  township_verification: limitSchema,
  county_approval: limitSchema,
  objection_review: limitSchema,
  reexamination: limitSchema,
  publicity: publicityLimitSchema,
  supplement: limitSchema,
  wholeIdentification: limitSchema,
} satisfies Record<keyof Policy['limits'], z.ZodType<Limit>>;

const stageOrderSchema = z.enum(Object.keys(STAGE_ORDERS) as [StageOrder, ...StageOrder[]]);
/** What a village meeting's approval needs (core/policy.ts `votesCarry`). */
const villageVoteSchema = z.enum(VILLAGE_VOTE_RULES);
/** The monitoring income line per year, yuan per person (core/policy.ts `aboveMonitoringLine`). */
const monitoringLineSchema = z
  .record(z.string().regex(/^(19|20)\d{2}$/, 'a year such as 2026'), z.number().positive().max(1_000_000))
  .refine((lines) => Object.keys(lines).length <= 100, {
    message: 'at most 100 years',
    params: { rule: 'max_items' },
  });

/** Risk elimination's county rules: how many calendar months a household stays enrolled before a proposal. */
const riskEliminationSchema = z.strictObject({ minEnrolledMonths: z.int().min(1).max(60) });

/** `PUT /api/admin/policy`: the whole policy, every limit; it becomes the next version. */
export const policyBodySchema = z.strictObject({
  county: countyCodeSchema.optional(),
  order: stageOrderSchema,
  /** omitted: the default rule, as every field of the whole policy this PUT replaces */
  villageVote: villageVoteSchema.default(DEFAULT_VILLAGE_VOTE),
  /** omitted: no line set, so no filing is checked against one */
  monitoringLine: monitoringLineSchema.default({}),
  /** omitted: the default, 6 months (稳定消除风险6个月以上) */
  riskElimination: riskEliminationSchema.default({ minEnrolledMonths: DEFAULT_MIN_ENROLLED_MONTHS }),
  limits: z.strictObject(LIMIT_SCHEMAS),
  comment: commentSchema.optional(),
  /** the version the edit started from (GET's `version`): a policy changed meanwhile is a 409, not overwritten */
  expectedVersion: z.int().min(0).optional(),
});
export type PolicyBody = z.output<typeof policyBodySchema>;

/** A county's policy; version 0 is the defaults, never stored. */
export const policyViewSchema = settingChangeSchema.partial().extend({
  county: z.string(),
  version: z.int(),
  order: stageOrderSchema,
  villageVote: villageVoteSchema,
  monitoringLine: z.record(z.string(), z.number()),
  riskElimination: riskEliminationSchema,
  limits: z.object(LIMIT_SCHEMAS),
});
export type PolicyView = z.infer<typeof policyViewSchema>;

/** `GET /api/admin/policy/history` */
export const policyHistoryQuerySchema = pageQuerySchema.extend(countyQuerySchema.shape);
export const policyHistorySchema = z.object({
  items: z.array(policyViewSchema),
  cursor: z.string().optional(),
});

/** A stored policy with every limit and rule the code knows (older versions lack those added since). */
const policyView = (p: Policy | PolicyRecord): PolicyView => ({
  ...p,
  villageVote: p.villageVote ?? DEFAULT_VILLAGE_VOTE,
  monitoringLine: p.monitoringLine ?? {},
  riskElimination: { minEnrolledMonths: minEnrolledMonths(p) },
  limits: withDefaultLimits(p).limits,
});

/** The county's current policy: the newest version, or the defaults (version 0) if none was stored. */
export async function currentPolicy(deps: Deps, user: User, query: { county?: string }): Promise<PolicyView> {
  const county = adminCounty(user, query.county);
  return policyView((await deps.store.getPolicyRecord(county)) ?? defaultPolicy(county));
}

/**
 * Stores the body as the county's next policy version, with who changed it and when. Cases filed from now on
 * snapshot it; cases already filed keep theirs. Two changes from the same version: one wins, the other is a 409.
 */
export async function changePolicy(deps: Deps, user: User, body: PolicyBody): Promise<PolicyView> {
  const county = adminCounty(user, body.county);
  const version = (await deps.store.getPolicyRecord(county))?.version ?? 0;
  const stale = () =>
    conflict(`the policy is no longer at version ${body.expectedVersion}; reload and try again`, [
      { path: 'expectedVersion', rule: 'version' },
    ]);
  if (body.expectedVersion !== undefined && body.expectedVersion !== version) throw stale();
  const record: PolicyRecord = {
    county,
    version: version + 1,
    order: body.order,
    villageVote: body.villageVote,
    monitoringLine: body.monitoringLine,
    riskElimination: body.riskElimination,
    limits: body.limits,
    changedBy: actorOf(user),
    changedAt: toIso(deps.clock.now()),
    ...(body.comment ? { comment: body.comment } : {}),
  };
  try {
    await deps.store.putPolicy(record);
  } catch (e) {
    // a change from the same version got in first: the caller's expectedVersion is the stale field
    if (body.expectedVersion !== undefined && e instanceof DomainError && e.code === 'conflict')
      throw stale();
    throw e;
  }
  return policyView(record);
}

/** The county's stored policy versions, newest first, with who changed each and when. */
export async function policyHistory(
  deps: Deps,
  user: User,
  query: { county?: string; cursor?: string; limit: number },
): Promise<Page<PolicyView>> {
  const county = adminCounty(user, query.county);
  const page = await deps.store.policyHistory(county, query);
  return { items: page.items.map(policyView), cursor: page.cursor };
}
