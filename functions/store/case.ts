/**
 * The case entity (access patterns 1, 2, 10 of docs/data-model.md): its item, where it stands in the indexes,
 * its reads, and its part in a case transaction (case-transaction.ts).
 */
import { z } from 'zod';
import type { Evidence, Household } from '../../schemas/application.ts';
import { isoDateSchema } from '../../schemas/common.ts';
import { caseStatusSchema, type Procedure, procedureSchema, stageSchema } from '../../schemas/domain.ts';
import { contactViewSchema } from '../../schemas/measure.ts';
import { type AuditRecord, actorSchema } from '../../schemas/records.ts';
import { pooled } from '../commons/pool.ts';
import { CASE_ERROR_CODES } from '../core/failure.ts';
import { countyOf } from '../core/jurisdiction.ts';
import type { Policy } from '../core/policy.ts';
import { HUMAN_STAGES, type HumanStage, type Route } from '../core/procedure.ts';
import { AUDIT } from './audit.ts';
import { INDEXES, indexKeys, keys, TIMING_INDEX_READS } from './keys.ts';
import { OBJECTION, type ObjectionItem } from './objection.ts';
import { policyRefOf, policyRefSchema, resolvedPolicy } from './policy.ts';
import {
  type EntitySchema,
  fieldMask,
  filterParts,
  type Item,
  type Page,
  type PageRequest,
  parseItem,
  placeFilter,
  procedureFilter,
  projection,
  type QueryInput,
  storedObject,
  type Table,
  type TransactItem,
  updateExpression,
} from './table.ts';

export const CASE_ENTITY = 'case';

/**
 * Why a case is in `error`, as stored. `cause` is plain (core/failure `plainCause`) and read only by admins and
 * auditors. A case marked before codes existed has only `cause` (raw) and `at`.
 */
export const caseErrorItemSchema = z.object({
  code: z.enum(CASE_ERROR_CODES).optional(),
  message: z.string().optional(),
  cause: z.string().optional(),
  at: z.string(),
});
export type CaseErrorItem = z.infer<typeof caseErrorItemSchema>;

/** What the case item keeps of its measures, so a list or report knows the plan without reading them. */
export const measurePlanSchema = z.object({
  planned: z.int(),
  implemented: z.int(),
  cancelled: z.int(),
  /** the planned days of the measures still planned */
  plannedDates: z.array(z.string()),
  /** the earliest day a measure was implemented */
  firstImplementedAt: z.string().optional(),
});
export type MeasurePlan = z.infer<typeof measurePlanSchema>;

/** The case as stored: full household (ID numbers kept for matching), policy snapshot, chain head. */
export const caseItemSchema = z.object({
  caseId: z.string(),
  procedure: procedureSchema,
  status: caseStatusSchema,
  stage: stageSchema,
  villageCode: z.string(),
  household: storedObject<Household>(),
  applicant: actorSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  /**
   * when the case entered its current stage and status: the stuck-case report's idle time counts from it, and the
   * activity entry sorts by it; absent on a case stored before it (its `updatedAt` stands in)
   */
  stageEnteredAt: z.string().optional(),
  version: z.number(),
  policy: storedObject<Policy>(),
  /** number of audit records and the hash of the last one: the chain's head */
  auditLength: z.number(),
  auditHead: z.string(),
  openTaskId: z.string().optional(),
  publicityEndsAt: z.string().optional(),
  supplementDueAt: z.string().optional(),
  /** callback token of the supplement wait; never returned by the API */
  supplementToken: z.string().optional(),
  executionArn: z.string().optional(),
  /** where the workflow stands or is headed: a restart or a new state machine version resumes from it */
  route: storedObject<Route>(),
  enrolledAt: z.string().optional(),
  closedAt: z.string().optional(),
  /** when the applicant asked for the one re-examination (复核) of a rejection */
  reexaminationRequestedAt: z.string().optional(),
  /** the stage whose rejection the re-examination reviews; an overturn sends the case back there */
  rejectingStage: z.enum(HUMAN_STAGES as [HumanStage, ...HumanStage[]]).optional(),
  error: caseErrorItemSchema.optional(),
  /**
   * The resident ID numbers whose one-open-case guard this case holds: exactly what it claimed and has not
   * released. Absent on a case stored before it was recorded (its household's numbers then, see `heldGuards`).
   */
  guards: z.array(z.string()).optional(),
  /** the day the risk was found (county time): the identification SLA counts from it; absent on older cases */
  riskFoundAt: isoDateSchema.optional(),
  /** when monitoring ended (the risk-elimination procedure); the case then reads `risk_eliminated` */
  riskEliminatedAt: z.string().optional(),
  /** the household this case belongs to: its first case's id, kept by every later case of its people */
  householdId: z.string().optional(),
  /** the household's earlier cases, oldest first, when it falls back into risk (返贫) */
  previousCaseIds: z.array(z.string()).optional(),
  /** the assistance contact (帮扶责任人), one at a time; each change is on the trail */
  contact: contactViewSchema.optional(),
  /** the assistance plan's counts, kept by each measure change: overdue is read from the planned dates */
  measurePlan: measurePlanSchema.optional(),
  /**
   * On an enrolled case: its risk-elimination proposal under way. Set and cleared in the proposal's own
   * transactions, so a household has at most one open proposal (rule `open_case`).
   */
  openProposalId: z.string().optional(),
  /** On a risk-elimination proposal: the enrolled case it proposes to end, and the evidence it rests on. */
  enrolledCaseId: z.string().optional(),
  evidence: storedObject<Evidence>().optional(),
});
export type CaseItem = z.infer<typeof caseItemSchema>;

/**
 * The case item as stored: when a reference reads the same policy back (the county's defaults, version 0), the
 * case keeps `policyRef` instead of the ~0.4 KB copy, which every step would otherwise rewrite. A case stored
 * before, or filed under a stored policy version, keeps the copy and reads as it always did.
 */
const storedCaseSchema = caseItemSchema
  .extend({ policy: storedObject<Policy>().optional(), policyRef: policyRefSchema.optional() })
  .transform(({ policyRef, policy, ...c }, ctx): CaseItem => {
    const resolved = policy ?? (policyRef ? resolvedPolicy(policyRef) : undefined);
    if (!resolved) {
      ctx.addIssue({
        code: 'custom',
        path: ['policy'],
        message: 'neither a policy nor a reference it reads',
      });
      return z.NEVER;
    }
    return { ...c, policy: resolved };
  });
export const CASE: EntitySchema<CaseItem> = { name: CASE_ENTITY, schema: storedCaseSchema };

/**
 * What a case's filing fixed and only a rare step changes (a supplement of the household, a renewed execution):
 * the household (ID numbers kept for matching), who filed it, the policy it was filed under, a proposal's evidence,
 * its household's id and its execution. They live on the case's filing item (`keys.caseFiling`), beside the case
 * item that every step rewrites, so a step writes well under 1 KB of case (docs/data-model.md, "Case"). A case
 * stored before keeps them on its case item, and moves them to a filing item the first time one of them changes.
 */
export const FILING_FIELDS = [
  'household',
  'applicant',
  'policy',
  'evidence',
  'householdId',
  'executionArn',
] as const satisfies readonly (keyof CaseItem)[];
const FILING_FIELD_SET = new Set<string>(FILING_FIELDS);
/** The filing fields as stored: the policy may be a reference (policyRef) instead of its copy. */
const STORED_FILING_FIELDS = [...FILING_FIELDS, 'policyRef'];
const CASE_FILING_ENTITY = 'case filing';
/**
 * The index keys the filing item holds: the case's entries in its applicant's and county's lists and its
 * household's history, written once (a case stored before holds them itself).
 */
const FILING_INDEX_ATTRIBUTES = [INDEXES.byOwner, INDEXES.byCounty, INDEXES.byHousehold].flatMap((i) => [
  i.partitionKey,
  i.sortKey,
]);

/** A case read back: its case item completed by its filing item (a case stored before has none). */
export function joinedCase(caseItem: Item, filing: Item | undefined): CaseItem {
  if (!filing) return parseItem(CASE, caseItem);
  const fields = Object.fromEntries(
    STORED_FILING_FIELDS.filter((k) => k in filing).map((k) => [k, filing[k]]),
  );
  return parseItem(CASE, { ...caseItem, ...fields });
}

/** The case among the items of its partition (or of a BatchGetItem), joined with its filing item. */
function caseAmong(items: readonly Item[], caseId: string): CaseItem | undefined {
  const at = (key: Item) => items.find((i) => i.pk === key.pk && i.sk === key.sk);
  const found = at(keys.case(caseId));
  return found ? joinedCase(found, at(keys.caseFiling(caseId))) : undefined;
}

/**
 * A case's entry in an index its readers read the case itself through (the lists, the activity entries, the
 * household's history): its id, what the page filtered on left aside.
 */
const caseEntrySchema = caseItemSchema.pick({ caseId: true });
const CASE_ENTRY: EntitySchema<z.infer<typeof caseEntrySchema>> = {
  name: 'case entry',
  schema: caseEntrySchema,
};

/** A monitored case as the monitoring report reads it from the county's monitored entries. */
const MONITORED_FIELDS = TIMING_INDEX_READS.monitored;
const monitoredRecordSchema = caseItemSchema
  .pick({ caseId: true, villageCode: true, status: true, enrolledAt: true, riskEliminatedAt: true })
  .extend({
    previousCaseIds: z.array(z.string()).optional(),
    personCount: z.int(),
    measurePlan: measurePlanSchema.optional(),
  });
export type MonitoredRecord = z.infer<typeof monitoredRecordSchema>;
const MONITORED: EntitySchema<MonitoredRecord> = { name: 'monitored case', schema: monitoredRecordSchema };

/** Every distinct resident ID number of a household, head first: one person, one guard. */
export const idNumbersOf = (h: Pick<Household, 'head' | 'members'>): string[] => [
  ...new Set([h.head.idNumber, ...h.members.map((m) => m.idNumber)]),
];

/** The ID numbers whose guard the case holds: as recorded, or for a case stored before that, its household's. */
export const heldGuards = (c: Pick<CaseItem, 'guards' | 'household'>): string[] =>
  c.guards ?? idNumbersOf(c.household);

/** The case item's attributes that hold its activity entry (the stuck-case report's index). */
const ACTIVITY_ATTRIBUTES = [INDEXES.byTiming.partitionKey, INDEXES.byTiming.sortKey];

/** When the case entered its current stage and status; the last change for a case stored before that was kept. */
export const stageEnteredAt = (c: Pick<CaseItem, 'stageEnteredAt' | 'updatedAt'>): string =>
  c.stageEnteredAt ?? c.updatedAt;

/**
 * Where a case stands in the activity index: open or returned cases by when they entered their stage and status,
 * cases in error by when they failed, enrolled and risk-eliminated cases by their enrolment (with their household's size, which
 * the monitoring report counts); none once it ended otherwise.
 */
export function caseActivityKeys(c: CaseItem): Item | undefined {
  if (c.status === 'open' || c.status === 'returned') {
    return indexKeys.activeCase(c.villageCode, c.createdAt, c.caseId);
  }
  if (c.status === 'error') return indexKeys.errorCase(c.villageCode, stageEnteredAt(c), c.caseId);
  if ((c.status === 'enrolled' || c.status === 'risk_eliminated') && c.enrolledAt) {
    return {
      ...indexKeys.monitoredCase(c.villageCode, c.enrolledAt, c.caseId),
      personCount: idNumbersOf(c.household).length,
    };
  }
  return undefined;
}

/**
 * The case item: keys, its activity entry, and every field but the filing fields. Written at filing, then moved
 * by each step; no index but the activity's copies from it.
 */
export function caseItem(c: CaseItem): Item {
  const rest = Object.fromEntries(Object.entries(c).filter(([k]) => !FILING_FIELD_SET.has(k)));
  return { ...keys.case(c.caseId), ...caseActivityKeys(c), entity: CASE_ENTITY, ...rest };
}

/**
 * The case's filing item: its filing fields, the policy as a reference when one reads the same policy back, and
 * its entries in its applicant's and county's lists and its household's history, with the procedure those lists
 * filter on. Nothing on it changes as the case moves, so no step rewrites those entries.
 */
export function caseFilingItem(c: CaseItem): Item {
  const { policy, ...fields } = Object.fromEntries(
    FILING_FIELDS.flatMap((k) => (c[k] === undefined ? [] : [[k, c[k]]])),
  ) as Pick<CaseItem, (typeof FILING_FIELDS)[number]>;
  const policyRef = policyRefOf(policy);
  return {
    ...keys.caseFiling(c.caseId),
    ...indexKeys.caseOfApplicant(c.applicant.sub, c.createdAt, c.caseId),
    ...indexKeys.caseInCounty(c.villageCode, c.createdAt, c.caseId),
    ...(c.householdId ? indexKeys.householdCase(c.householdId, c.createdAt, c.caseId) : {}),
    entity: CASE_FILING_ENTITY,
    caseId: c.caseId,
    procedure: c.procedure,
    ...fields,
    ...(policyRef ? { policyRef } : { policy }),
  };
}

/** Both items of a case as first written (the bench seeder writes these too). */
export const caseItems = (c: CaseItem): Item[] => [caseItem(c), caseFilingItem(c)];

/** Fields every case change writes: its version, progress time, chain head and stage entry. */
const CHAIN_FIELDS = new Set(['version', 'updatedAt', 'auditLength', 'auditHead', 'stageEnteredAt']);

/** The transaction items that file a new case, its case item and its filing item: neither may exist yet. */
export const putCaseItems = (tableName: string, after: CaseItem): TransactItem[] =>
  caseItems(after).map((Item) => ({
    Put: { TableName: tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' },
  }));

/**
 * The transaction items that move a case from `before.version` to `after`: on the case item, the fields the change
 * sets, the chain fields, the activity entry (it leaves with the open states) and what it removes. A change of a filing field rewrites the filing item whole (and takes the filing fields off the
 * case item of a case stored before); the case item's version condition holds for both.
 */
export function updateCaseItems(
  tableName: string,
  before: Pick<CaseItem, 'caseId' | 'version'>,
  after: CaseItem,
  changed: { set: readonly string[]; remove: readonly string[] },
): TransactItem[] {
  const { caseId: _id, ...fields } = after;
  const activity = caseActivityKeys(after);
  const setNames = new Set(changed.set);
  const filingChanged = [...changed.set, ...changed.remove].some((k) => FILING_FIELD_SET.has(k));
  const u = updateExpression(
    {
      ...Object.fromEntries(
        Object.entries(fields).filter(
          ([k]) => !FILING_FIELD_SET.has(k) && (setNames.has(k) || CHAIN_FIELDS.has(k)),
        ),
      ),
      ...activity,
    },
    [
      ...new Set([
        ...changed.remove.filter((k) => !FILING_FIELD_SET.has(k)),
        ...(activity ? [] : ACTIVITY_ATTRIBUTES),
        ...(filingChanged ? [...STORED_FILING_FIELDS, ...FILING_INDEX_ATTRIBUTES] : []),
      ]),
    ],
  );
  const caseUpdate: TransactItem = {
    Update: {
      TableName: tableName,
      Key: keys.case(before.caseId),
      UpdateExpression: u.expression,
      ConditionExpression: '#ver = :expected',
      ExpressionAttributeNames: { ...u.names, '#ver': 'version' },
      ExpressionAttributeValues: { ...u.values, ':expected': before.version },
    },
  };
  return filingChanged
    ? [caseUpdate, { Put: { TableName: tableName, Item: caseFilingItem(after) } }]
    : [caseUpdate];
}

/** (1) A case by id, strongly consistent: its case item and its filing item, in one Query of their key range. */
export async function getCase(table: Table, caseId: string): Promise<CaseItem | undefined> {
  const items = await table.queryAll({
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :case AND :filing',
    ExpressionAttributeValues: {
      ':pk': keys.casePartition(caseId),
      ':case': keys.case(caseId).sk,
      ':filing': keys.caseFiling(caseId).sk,
    },
    ConsistentRead: true,
  });
  return caseAmong(items, caseId);
}

/**
 * Cases by id, both items of each in BatchGetItems, eventually consistent like the index page that named them; in
 * the order of `caseIds`, a case gone meanwhile left out.
 */
export async function getCases(table: Table, caseIds: readonly string[]): Promise<CaseItem[]> {
  const items = await table.getItems(caseIds.flatMap((id) => [keys.case(id), keys.caseFiling(id)]));
  return caseIds.flatMap((_, i) => {
    const found = items[2 * i];
    return found ? [joinedCase(found, items[2 * i + 1])] : [];
  });
}

/**
 * One page of cases from an index Query, then the cases themselves by key (one BatchGetItem), those `keep` refuses
 * left out: the index copies only what never changes (LIST_INDEX_READS.case), so no case step rewrites it.
 */
const listedCases = (
  table: Table,
  input: QueryInput,
  page: PageRequest,
  keep?: (c: CaseItem) => boolean,
): Promise<Page<CaseItem>> =>
  table.pageByKey(
    CASE_ENTRY,
    input,
    page,
    (entries) =>
      getCases(
        table,
        entries.map((e) => e.caseId),
      ),
    keep,
  );

/** What narrows a case list: status, stage and procedure. */
export interface CaseListFilter {
  status?: string;
  stage?: string;
  procedure?: Procedure;
}

/**
 * A case list's filter: the procedure inside the Query (the list entries copy it), its values added to `values`;
 * status and stage on the cases read (the entries never copy what a step changes).
 */
function caseListFilter(filter: CaseListFilter, values: Item) {
  const query = filterParts(procedureFilter(filter.procedure, { names: {}, parts: [] }, values));
  return { query, keep: casesMatching(filter) };
}

/**
 * What a list keeps of the cases it read: those in the status and stage asked for, and in them since before
 * `idleBefore`; none of the three asked, no filter at all.
 */
function casesMatching(f: { status?: string; stage?: string; idleBefore?: string }) {
  const { status, stage, idleBefore } = f;
  if (status === undefined && stage === undefined && idleBefore === undefined) return undefined;
  return (c: Pick<CaseItem, 'status' | 'stage' | 'stageEnteredAt' | 'updatedAt'>) =>
    (status === undefined || c.status === status) &&
    (stage === undefined || c.stage === stage) &&
    (idleBefore === undefined || stageEnteredAt(c) < idleBefore);
}

/** (2) An applicant's own cases, oldest first; the procedure filters inside the Query, status and stage after. */
export function casesOfApplicant(
  table: Table,
  sub: string,
  filter: CaseListFilter,
  page: PageRequest,
): Promise<Page<CaseItem>> {
  const values: Item = { ':pk': indexKeys.applicantPartition(sub) };
  const { query, keep } = caseListFilter(filter, values);
  return listedCases(
    table,
    {
      IndexName: INDEXES.byOwner.name,
      KeyConditionExpression: 'gsi1pk = :pk',
      ...query,
      ExpressionAttributeValues: values,
    },
    page,
    keep,
  );
}

/**
 * Cases inside a jurisdiction (county, township or village code), ordered by village then filing time.
 * The procedure filters inside the Query, `status`/`stage` on the cases read (Table.pageByKey reads on until the
 * page is full).
 */
export function casesInJurisdiction(
  table: Table,
  jurisdiction: string,
  filter: CaseListFilter,
  page: PageRequest,
): Promise<Page<CaseItem>> {
  const values: Item = { ':pk': indexKeys.countyCasesPartition(countyOf(jurisdiction)) };
  let condition = 'gsi2pk = :pk';
  if (jurisdiction.length > 6) {
    condition += ' AND begins_with(gsi2sk, :scope)';
    values[':scope'] = jurisdiction;
  }
  const { query, keep } = caseListFilter(filter, values);
  return listedCases(
    table,
    {
      IndexName: INDEXES.byCounty.name,
      KeyConditionExpression: condition,
      ...query,
      ExpressionAttributeValues: values,
    },
    page,
    keep,
  );
}

/** What the stuck-case report shows of a case: fields of its case item only, so it never reads the filing item. */
export const ATTENTION_FIELDS = [
  'caseId',
  'procedure',
  'villageCode',
  'stage',
  'status',
  'updatedAt',
  'stageEnteredAt',
  'openTaskId',
  'error',
] as const satisfies readonly Exclude<keyof CaseItem, (typeof FILING_FIELDS)[number]>[];
const attentionRecordSchema = caseItemSchema.pick(fieldMask(ATTENTION_FIELDS));
export type AttentionRecord = z.infer<typeof attentionRecordSchema>;
const ATTENTION: EntitySchema<AttentionRecord> = {
  name: 'case needing attention',
  schema: attentionRecordSchema,
};

/**
 * (10) One page of a county's cases needing attention: open or returned cases that entered their stage and status
 * before `idleBefore` (`idle`), or the cases in `error`, oldest failure first. A Query on the sparse activity
 * entries of the case items, jurisdiction and procedure filtering inside it, then the case items by key (their
 * ATTENTION_FIELDS), kept when idle long enough in the stage asked for. The active entries sort by filing and never
 * move with a stage; a case cannot have been in its stage since before it was filed, so only the entries filed
 * before `idleBefore` are read.
 */
export function casesNeedingAttention(
  table: Table,
  county: string,
  kind: 'idle' | 'error',
  filter: { idleBefore?: string; stage?: string; within?: string; procedure?: Procedure },
  page: PageRequest,
): Promise<Page<AttentionRecord>> {
  const idle = kind === 'idle';
  const values: Item = {
    ':pk': idle ? indexKeys.activeCasesPartition(county) : indexKeys.errorCasesPartition(county),
  };
  const filedBefore = idle ? filter.idleBefore : undefined;
  if (filedBefore) values[':filedBefore'] = indexKeys.filedBefore(filedBefore);
  const { names, parts } = procedureFilter(filter.procedure, placeFilter({}, filter.within, values), values);
  const read = projection(['caseId']);
  return table.pageByKey(
    CASE_ENTRY,
    {
      IndexName: INDEXES.byTiming.name,
      KeyConditionExpression: filedBefore ? 'gsi3pk = :pk AND gsi3sk < :filedBefore' : 'gsi3pk = :pk',
      FilterExpression: parts.length ? parts.join(' AND ') : undefined,
      ProjectionExpression: read.ProjectionExpression,
      ExpressionAttributeNames: { ...names, ...read.ExpressionAttributeNames },
      ExpressionAttributeValues: values,
    },
    page,
    (entries) =>
      table.getMany(
        ATTENTION,
        entries.map((e) => keys.case(e.caseId)),
        ATTENTION_FIELDS,
      ),
    casesMatching({ stage: filter.stage, idleBefore: filter.idleBefore }),
  );
}

/**
 * The ids of every case in flight (open or returned) in the given counties: one Query per county on the sparse
 * activity entries (ACTIVE#), which only open and returned cases carry. What a restart re-enters; the index is
 * eventually consistent on AWS, so the caller reads each case before acting on it.
 */
export async function inFlightCases(table: Table, counties: readonly string[]): Promise<string[]> {
  const found = await Promise.all(
    [...new Set(counties)].map((county) =>
      table.all(CASE_ENTRY, {
        IndexName: INDEXES.byTiming.name,
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': indexKeys.activeCasesPartition(county) },
        ...projection(['caseId']),
      }),
    ),
  );
  return found.flat().map((c) => c.caseId);
}

/**
 * Binds the supplement wait's token while the case is still returned; false when it was supplemented. The
 * case version moves too, so a supplement or withdrawal that read the case before the token was bound loses
 * its version race and re-reads the case, token included: the wait can never miss its callback.
 */
export const bindSupplementToken = (table: Table, caseId: string, token: string): Promise<boolean> =>
  table.updateIf(
    keys.case(caseId),
    { supplementToken: token },
    '#status = :returned',
    { '#status': 'status', ':returned': 'returned' },
    true,
  );

/** (1) The case and its whole trail in one Query on the case's partition, trail in sequence order. */
export async function getCaseWithTrail(
  table: Table,
  caseId: string,
): Promise<{ case?: CaseItem; trail: AuditRecord[]; objections: ObjectionItem[] }> {
  const items = await table.queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.casePartition(caseId) },
    ConsistentRead: true,
  });
  const trail = items
    .filter((i) => String(i.sk).startsWith(keys.auditPrefix))
    .map((i) => parseItem(AUDIT, i));
  const objections = items
    .filter((i) => String(i.sk).startsWith(keys.objectionPrefix))
    .map((i) => parseItem(OBJECTION, i));
  return { case: caseAmong(items, caseId), trail, objections };
}

/** How many ranges of the monitored entries are read at once (DynamoDB Local serves them on every core). */
const MONITORED_RANGES_AT_ONCE = 4;

/**
 * (14) The county's monitored cases (enrolled, or risk-eliminated since) enrolled before `before`, oldest
 * enrolment first: Queries on the sparse monitored entries of the case items, projected fields only, one per
 * enrolment range (keys.ts `enrolmentRanges`), a few at a time. Side by side they read a county of 80,000
 * monitored households on DynamoDB Local in a third of the time one Query takes; on DynamoDB the same capacity.
 */
export async function monitoredCases(
  table: Table,
  county: string,
  before: string,
): Promise<MonitoredRecord[]> {
  const pk = indexKeys.monitoredCasesPartition(county);
  const ranges = indexKeys.enrolmentRanges(indexKeys.enrolledBefore(before));
  const parts = await pooled(ranges, MONITORED_RANGES_AT_ONCE, ({ from, to }) =>
    table.all(MONITORED, {
      IndexName: INDEXES.byTiming.name,
      // BETWEEN is inclusive, but no key equals a bound (a key ends in `#caseId`)
      KeyConditionExpression: from
        ? 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :to'
        : 'gsi3pk = :pk AND gsi3sk < :to',
      ExpressionAttributeValues: { ':pk': pk, ':to': to, ...(from ? { ':from': from } : {}) },
      ...projection(MONITORED_FIELDS),
    }),
  );
  return parts.flat();
}

/** (15) A household's cases, oldest first: one Query on the household index, then the cases by key. */
export async function householdCases(table: Table, householdId: string): Promise<CaseItem[]> {
  const entries = await table.all(CASE_ENTRY, {
    IndexName: INDEXES.byHousehold.name,
    KeyConditionExpression: 'gsi4pk = :pk',
    ExpressionAttributeValues: { ':pk': indexKeys.householdPartition(householdId) },
  });
  return getCases(
    table,
    entries.map((e) => e.caseId),
  );
}
