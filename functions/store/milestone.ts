/**
 * The whole-case milestone entity (access pattern 6): when a case reached a county decision or enrolment,
 * measured from its application (reported as an SLA, never enforced). One item per reaching, never changed
 * (keys.milestone): a case that reaches it again gets a second item and counts again.
 */
import { z } from 'zod';
import type { Procedure } from '../../schemas/domain.ts';
import { decisionKindSchema, procedureSchema } from '../../schemas/domain.ts';
import { countyOf, townshipOf } from '../core/jurisdiction.ts';
import { localMonth, parseIso } from '../core/time.ts';
import { MILESTONE_KINDS } from '../core/timings.ts';
import { indexKeys, keys, TIMING_INDEX_READS } from './keys.ts';
import type { EntitySchema, Item, Table, TransactItem } from './table.ts';
import { type TimingSince, timingIndexPartition } from './timing-index.ts';

export const MILESTONE_ENTITY = 'milestone';

export const milestoneItemSchema = z.object({
  caseId: z.string(),
  /** the case's procedure; a milestone stored before risk elimination wrote any has none: identification */
  procedure: procedureSchema.default('identification'),
  kind: z.enum(MILESTONE_KINDS),
  villageCode: z.string(),
  /** the day the risk was found (its local midnight), or for older cases the application (createdAt) */
  startedAt: z.string(),
  at: z.string(),
  /**
   * `startedAt` plus the `wholeIdentification` limit of the policy the case started with; none on a
   * risk-elimination proposal's (no whole-procedure limit applies to it: never counted late)
   */
  dueAt: z.string().optional(),
  decision: decisionKindSchema.optional(),
});
export type MilestoneItem = z.infer<typeof milestoneItemSchema>;
const MILESTONE: EntitySchema<MilestoneItem> = { name: MILESTONE_ENTITY, schema: milestoneItemSchema };
const MILESTONE_FIELDS = TIMING_INDEX_READS.milestone satisfies readonly (keyof MilestoneItem)[];

/** A milestone item with its timing-index entry: (county, kind, month reached), sorted by township. */
export const milestoneItem = (m: MilestoneItem): Item => ({
  ...keys.milestone(m.caseId, m.kind, m.at),
  ...indexKeys.wholeCase(
    m.procedure,
    countyOf(m.villageCode),
    m.kind,
    localMonth(parseIso(m.at)),
    townshipOf(m.villageCode),
    m.at,
    m.caseId,
  ),
  entity: MILESTONE_ENTITY,
  ...m,
});

/** The transaction item recording a milestone (its key names the moment: a replay writes the same item). */
export const putMilestoneItem = (tableName: string, m: MilestoneItem): TransactItem => ({
  Put: { TableName: tableName, Item: milestoneItem(m) },
});

/**
 * Every whole-case milestone of (procedure, county, kind, month reached), optionally of one township, like
 * stageRecords.
 */
export const milestoneRecords = (
  table: Table,
  procedure: Procedure,
  county: string,
  kind: string,
  month: string,
  township?: string,
  since?: TimingSince,
): Promise<MilestoneItem[]> =>
  timingIndexPartition(
    table,
    MILESTONE,
    indexKeys.wholeCasePartition(procedure, county, kind, month),
    township,
    MILESTONE_FIELDS,
    since,
  );
