import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../../schemas/records.ts';
import type { StaffMember } from '../../schemas/staff.ts';
import { documentClient, env } from '../commons/clients.ts';
import { seal, type UnsealedRecord } from '../core/audit-chain.ts';
import { conflict, DomainError } from '../core/errors.ts';
import type { Policy } from '../core/policy.ts';
import { localMonth, parseIso } from '../core/time.ts';
import type { TimingSample } from '../core/timings.ts';
import { record } from './capacity.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type {
  AccessLogItem,
  CalendarChange,
  CalendarItem,
  CaseItem,
  MilestoneItem,
  ObjectionItem,
  PolicyRecord,
  TaskItem,
} from './items.ts';
import { INDEXES, indexKeys, keys, TIMING_INDEX_READS } from './keys.ts';

type Item = Record<string, unknown>;
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface Page<T> {
  items: T[];
  cursor?: string;
}

/** One audit record's content; the store numbers and seals it onto the case's chain. */
export type AuditEntry = Omit<UnsealedRecord, 'caseId' | 'seq'>;

/** What a task change does to its index entries: stays in the inbox, leaves it for the timing index, or neither. */
export type TaskIndexing = 'open' | 'done';

/**
 * One step that moves a case: the case's new fields, its audit record, and the task it opens or changes, written
 * in ONE transaction that holds only if the case still has the version it was read at.
 */
export interface CaseChange {
  before: CaseItem;
  set?: Partial<CaseItem>;
  remove?: (keyof CaseItem)[];
  audit: AuditEntry;
  putTask?: TaskItem;
  updateTask?: {
    before: TaskItem;
    expect: TaskItem['status'][];
    set?: Partial<TaskItem>;
    remove?: (keyof TaskItem)[];
    indexing?: TaskIndexing;
  };
  /** an objection raised during publicity, stored in the case's partition */
  putObjection?: ObjectionItem;
  /** open objections a decision settles: each must still be open, and becomes `status` */
  resolveObjections?: {
    items: ObjectionItem[];
    set: Pick<ObjectionItem, 'status' | 'resolvedAt' | 'resolvedBy' | 'taskId'>;
  };
  /** ID numbers the case now holds (filing): each must not hold another open case */
  claimGuards?: string[];
  /** ID numbers the case releases (it ended) */
  releaseGuards?: string[];
  /** whole-case milestones the step reaches (county decision, enrolment), each a new item */
  milestones?: MilestoneItem[];
}

/** What narrows an inbox Query: a due bound on the sort key (at most one), stage and assignee inside the page. */
export interface InboxFilter {
  dueBefore?: string;
  dueFrom?: string;
  stage?: string;
  assignee?: string;
}

/** A completed stage task as the timing reports read it from the timing index. */
export type TimingRecord = Pick<TaskItem, (typeof TIMING_INDEX_READS.stageRecord)[number]>;
const TIMING_FIELDS = TIMING_INDEX_READS.stageRecord;
const MILESTONE_FIELDS = TIMING_INDEX_READS.milestone satisfies readonly (keyof MilestoneItem)[];

/** A case needing attention as the stuck-case report reads it from the activity index. */
export type ActivityRecord = Pick<CaseItem, (typeof TIMING_INDEX_READS.activity)[number]>;
const ACTIVITY_FIELDS = TIMING_INDEX_READS.activity;

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'entity'];
const INDEX_ATTRIBUTES = {
  open: ['gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'],
  done: ['gsi3pk', 'gsi3sk'],
} as const;

function strip<T>(item: Item | undefined): T | undefined {
  if (!item) return undefined;
  const out: Item = {};
  for (const [k, v] of Object.entries(item)) if (!KEY_ATTRIBUTES.includes(k)) out[k] = v;
  return out as T;
}

/** The most bytes of durations one stored-samples item holds: DynamoDB items stop at 400 KB. */
const MAX_SAMPLE_BYTES = 350_000;
/** Bytes per record in a stored sample: queue and work milliseconds, float64 little-endian. */
const SAMPLE_RECORD_BYTES = 16;

/** A township's timing samples of one settled timing-index partition, durations packed in one binary value. */
interface SamplesItem {
  stage: string;
  township: string;
  month: string;
  breaches: number;
  durations: Uint8Array;
}

function packSample(s: TimingSample): SamplesItem {
  const bytes = new Uint8Array(s.queueMs.length * SAMPLE_RECORD_BYTES);
  const view = new DataView(bytes.buffer);
  s.queueMs.forEach((queue, i) => {
    view.setFloat64(i * SAMPLE_RECORD_BYTES, queue, true);
    view.setFloat64(i * SAMPLE_RECORD_BYTES + 8, s.workMs[i]!, true);
  });
  return { stage: s.stage, township: s.township, month: s.month, breaches: s.breaches, durations: bytes };
}

function unpackSample(item: SamplesItem): TimingSample {
  const view = new DataView(item.durations.buffer, item.durations.byteOffset, item.durations.byteLength);
  const n = item.durations.byteLength / SAMPLE_RECORD_BYTES;
  const queueMs: number[] = [];
  const workMs: number[] = [];
  for (let i = 0; i < n; i++) {
    queueMs.push(view.getFloat64(i * SAMPLE_RECORD_BYTES, true));
    workMs.push(view.getFloat64(i * SAMPLE_RECORD_BYTES + 8, true));
  }
  return {
    stage: item.stage,
    township: item.township,
    month: item.month,
    breaches: item.breaches,
    queueMs,
    workMs,
  };
}

/** A Query's items without key attributes, and the cursor to the next page. */
function toPage<T>(out: { Items?: Item[]; LastEvaluatedKey?: Item }): Page<T> {
  return { items: (out.Items ?? []).map((i) => strip<T>(i)!), cursor: encodeCursor(out.LastEvaluatedKey) };
}

/** `#field = :field` for each field given a value: FilterExpression parts, their names, values added to `values`. */
function equalityFilter(fields: Record<string, string | undefined>, values: Item) {
  const names: Record<string, string> = {};
  const parts: string[] = [];
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    parts.push(`#${field} = :${field}`);
  }
  return { names, parts };
}

/** `equalityFilter` and, when `within` is given, the village code inside that jurisdiction prefix. */
function placeFilter(fields: Record<string, string | undefined>, within: string | undefined, values: Item) {
  const filter = equalityFilter(fields, values);
  if (within) {
    filter.names['#village'] = 'villageCode';
    values[':within'] = within;
    filter.parts.push('begins_with(#village, :within)');
  }
  return filter;
}

/** SET/REMOVE expression over plain attribute names, with placeholders so reserved words are safe. */
function updateExpression(set: Item, remove: readonly string[] = []) {
  const names: Record<string, string> = {};
  const values: Item = {};
  const sets: string[] = [];
  let i = 0;
  for (const [k, v] of Object.entries(set)) {
    if (v === undefined) continue;
    names[`#a${i}`] = k;
    values[`:a${i}`] = v;
    sets.push(`#a${i} = :a${i}`);
    i++;
  }
  const removes = remove.map((k) => {
    names[`#a${i}`] = k;
    return `#a${i++}`;
  });
  const expression = [
    sets.length ? `SET ${sets.join(', ')}` : '',
    removes.length ? `REMOVE ${removes.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return { expression, names, values };
}

export function taskIndexKeys(t: TaskItem, indexing: TaskIndexing): Item {
  if (indexing === 'open') return indexKeys.openTask(t.role, t.jurisdiction, t.dueAt, t.taskId);
  const decidedAt = t.decidedAt!;
  return indexKeys.doneTask(
    t.jurisdiction.slice(0, 6),
    t.stage,
    localMonth(parseIso(decidedAt)),
    t.villageCode.slice(0, 9),
    decidedAt,
    t.taskId,
  );
}

/** The case item's attributes that hold its activity entry (the stuck-case report's index). */
const ACTIVITY_ATTRIBUTES = [INDEXES.byTiming.partitionKey, INDEXES.byTiming.sortKey];

/**
 * Where a case stands in the activity index: open or returned cases by their last progress, cases in error by
 * when they failed; none once it ended.
 */
export function caseActivityKeys(c: CaseItem): Item | undefined {
  if (c.status === 'open' || c.status === 'returned') {
    return indexKeys.activeCase(c.villageCode, c.updatedAt, c.caseId);
  }
  if (c.status === 'error') return indexKeys.errorCase(c.villageCode, c.updatedAt, c.caseId);
  return undefined;
}

/** A milestone item with its timing-index entry: (county, kind, month reached), sorted by township. */
export function milestoneItem(m: MilestoneItem): Item {
  return {
    ...keys.milestone(m.caseId, m.kind, m.at),
    ...indexKeys.wholeCase(
      m.villageCode.slice(0, 6),
      m.kind,
      localMonth(parseIso(m.at)),
      m.villageCode.slice(0, 9),
      m.at,
      m.caseId,
    ),
    entity: 'milestone',
    ...m,
  };
}

/** The only code that talks to DynamoDB. Every request path is a GetItem, a Query or a transaction. */
export class Store {
  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /** A store on the process's shared client and the TABLE_NAME of the environment. */
  static fromEnv(): Store {
    return new Store(documentClient(), env('TABLE_NAME'));
  }

  /**
   * Up to 25 prepared items in one BatchWriteItem, unconditional and unaudited, retrying with backoff whatever
   * DynamoDB leaves unprocessed: bench seeding (bench/seed.ts) and stored timing samples, never a case's state.
   */
  async putItems(items: Item[]): Promise<void> {
    let pending = items.map((item) => ({ PutRequest: { Item: item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
      const out = await this.doc.send(
        new BatchWriteCommand({
          RequestItems: { [this.tableName]: pending },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      record('write', out.ConsumedCapacity);
      pending = (out.UnprocessedItems?.[this.tableName] ?? []) as typeof pending;
    }
  }

  private async get<T>(key: Item): Promise<T | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: key,
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    record('read', out.ConsumedCapacity);
    return strip<T>(out.Item);
  }

  private async query(input: Omit<QueryCommandInput, 'TableName'>) {
    const out = await this.doc.send(
      new QueryCommand({ TableName: this.tableName, ReturnConsumedCapacity: 'TOTAL', ...input }),
    );
    record('read', out.ConsumedCapacity);
    return out;
  }

  /** Every item a Query matches, following its pages to the end. */
  private async queryAll(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const out = await this.query({ ...input, ExclusiveStartKey: start });
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  getCase(caseId: string): Promise<CaseItem | undefined> {
    return this.get<CaseItem>(keys.case(caseId));
  }

  getTask(taskId: string): Promise<TaskItem | undefined> {
    return this.get<TaskItem>(keys.task(taskId));
  }

  /** The county's current policy as a case snapshots it: without who changed it. */
  async getPolicy(county: string): Promise<Policy | undefined> {
    const record = await this.getPolicyRecord(county);
    if (!record) return undefined;
    const { changedBy: _by, changedAt: _at, comment: _comment, ...policy } = record;
    return policy;
  }

  /** The county's current policy with who changed it, when and why. */
  getPolicyRecord(county: string): Promise<PolicyRecord | undefined> {
    return this.get<PolicyRecord>(keys.policy(county));
  }

  /**
   * Stores `record` as the county's policy version `record.version` and makes it current, in one transaction
   * that holds only while the current version is still `record.version - 1`: of two concurrent changes based
   * on the same version, one wins and the other gets a 409.
   */
  putPolicy(record: PolicyRecord): Promise<void> {
    return this.putVersioned(
      { key: keys.policy(record.county), item: { entity: 'policy', ...record } },
      {
        key: keys.policyVersion(record.county, record.version),
        item: { entity: 'policyVersion', ...record },
      },
      record.version - 1,
      'policy',
    );
  }

  /** The county's policy versions, newest first: one Query on the policy partition. */
  async policyHistory(county: string, page: { cursor?: string; limit: number }): Promise<Page<PolicyRecord>> {
    const out = await this.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.policyPartition(county), ':prefix': keys.versionPrefix },
      ScanIndexForward: false,
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor),
    });
    return toPage<PolicyRecord>(out);
  }

  async getCalendarOverrides(county: string): Promise<Record<string, boolean>> {
    const item = await this.get<{ dates: Record<string, boolean> }>(keys.calendar(county));
    return item?.dates ?? {};
  }

  /** The county's calendar overrides with their version and latest change. */
  getCalendar(county: string): Promise<CalendarItem | undefined> {
    return this.get<CalendarItem>(keys.calendar(county));
  }

  /**
   * Replaces the county's overrides with `item` and logs `change`, in one transaction that holds only while
   * the stored overrides are still at `item.version - 1` (a 409 otherwise).
   */
  putCalendar(item: CalendarItem, change: CalendarChange): Promise<void> {
    return this.putVersioned(
      { key: keys.calendar(item.county), item: { entity: 'calendar', ...item } },
      { key: keys.calendarChange(item.county, item.version), item: { entity: 'calendarChange', ...change } },
      item.version - 1,
      'calendar',
    );
  }

  /**
   * Puts a setting's current item on condition that it is at `previous` (absent when 0) together with its
   * version item (never overwritten). A lost race is a 409 naming `version`, like a stale case.
   */
  private async putVersioned(
    current: { key: Item; item: Item },
    version: { key: Item; item: Item },
    previous: number,
    what: string,
  ): Promise<void> {
    try {
      const out = await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...current.key, ...current.item },
                ...(previous === 0
                  ? { ConditionExpression: 'attribute_not_exists(pk)' }
                  : {
                      ConditionExpression: '#ver = :previous',
                      ExpressionAttributeNames: { '#ver': 'version' },
                      ExpressionAttributeValues: { ':previous': previous },
                    }),
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...version.key, ...version.item },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      record('write', out.ConsumedCapacity);
    } catch (e) {
      const reasons = e instanceof TransactionCanceledException ? (e.CancellationReasons ?? []) : [];
      const lost =
        (e as Error).name === 'TransactionConflictException' ||
        reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
      if (lost) {
        throw conflict(`the ${what} changed since it was read; reload and try again`, [
          { path: 'version', rule: 'version' },
        ]);
      }
      throw e;
    }
  }

  /** The case and its whole trail in one Query on the case's partition, trail in sequence order. */
  async getCaseWithTrail(
    caseId: string,
  ): Promise<{ case?: CaseItem; trail: AuditRecord[]; objections: ObjectionItem[] }> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.casePartition(caseId) },
      ConsistentRead: true,
    });
    const caseItem = items.find((i) => i.sk === keys.case(caseId).sk);
    const trail = items
      .filter((i) => String(i.sk).startsWith(keys.auditPrefix))
      .map((i) => strip<AuditRecord>(i)!);
    const objections = items
      .filter((i) => String(i.sk).startsWith(keys.objectionPrefix))
      .map((i) => strip<ObjectionItem>(i)!);
    return { case: strip<CaseItem>(caseItem), trail, objections };
  }

  /** (8) The case's objections still open: one Query on the case's partition, objections only. */
  async openObjections(caseId: string): Promise<ObjectionItem[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: '#status = :open',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':pk': keys.casePartition(caseId),
        ':prefix': keys.objectionPrefix,
        ':open': 'open',
      },
      ConsistentRead: true,
    });
    return items.map((i) => strip<ObjectionItem>(i)!);
  }

  /** An applicant's own cases, oldest first. */
  async casesOfApplicant(sub: string, page: { cursor?: string; limit: number }): Promise<Page<CaseItem>> {
    const out = await this.query({
      IndexName: INDEXES.byOwner.name,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': indexKeys.applicantPartition(sub) },
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor),
    });
    return toPage<CaseItem>(out);
  }

  /**
   * Cases inside a jurisdiction (county, township or village code), ordered by village then filing time.
   * `status`/`stage` filter inside the Query page.
   */
  async casesInJurisdiction(
    jurisdiction: string,
    filter: { status?: string; stage?: string },
    page: { cursor?: string; limit: number },
  ): Promise<Page<CaseItem>> {
    const values: Item = { ':pk': indexKeys.countyCasesPartition(jurisdiction.slice(0, 6)) };
    let condition = 'gsi2pk = :pk';
    if (jurisdiction.length > 6) {
      condition += ' AND begins_with(gsi2sk, :scope)';
      values[':scope'] = jurisdiction;
    }
    const { names, parts: filters } = equalityFilter({ status: filter.status, stage: filter.stage }, values);
    const out = await this.query({
      IndexName: INDEXES.byCounty.name,
      KeyConditionExpression: condition,
      FilterExpression: filters.length ? filters.join(' AND ') : undefined,
      ExpressionAttributeNames: filters.length ? names : undefined,
      ExpressionAttributeValues: values,
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor),
    });
    return toPage<CaseItem>(out);
  }

  /**
   * Open tasks of (role, jurisdiction), soonest due first: one Query on the sparse inbox index. A due bound
   * narrows the sort-key range (`dueBefore`: the overdue ones, `dueFrom`: the others); stage and assignee filter
   * inside the page, so a page may come back short with a cursor.
   */
  async inbox(
    role: string,
    jurisdiction: string,
    page: { cursor?: string; limit: number },
    filter: InboxFilter = {},
  ): Promise<Page<TaskItem>> {
    const values: Item = { ':pk': indexKeys.inboxPartition(role, jurisdiction) };
    let condition = 'gsi1pk = :pk';
    if (filter.dueBefore !== undefined) {
      condition += ' AND gsi1sk < :due';
      values[':due'] = indexKeys.openTasksDueBefore(filter.dueBefore);
    } else if (filter.dueFrom !== undefined) {
      condition += ' AND gsi1sk >= :due';
      values[':due'] = indexKeys.openTasksDueBefore(filter.dueFrom);
    }
    const { names, parts } = equalityFilter({ stage: filter.stage, assignee: filter.assignee }, values);
    const out = await this.query({
      IndexName: INDEXES.byOwner.name,
      KeyConditionExpression: condition,
      FilterExpression: parts.length ? parts.join(' AND ') : undefined,
      ExpressionAttributeNames: parts.length ? names : undefined,
      ExpressionAttributeValues: values,
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor),
    });
    return toPage<TaskItem>(out);
  }

  /**
   * Enters a reviewer in the staff directory, or updates the entry when their name, role or jurisdiction
   * changed: a conditional put that writes nothing while the entry is current.
   */
  async putStaff(member: StaffMember): Promise<void> {
    const { sub, name, role, jurisdiction } = member;
    try {
      const out = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.staff(sub),
            ...indexKeys.staffMember(role, jurisdiction, sub),
            entity: 'staff',
            sub,
            name,
            role,
            jurisdiction,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR #name <> :name OR #role <> :role OR #j <> :j',
          ExpressionAttributeNames: { '#name': 'name', '#role': 'role', '#j': 'jurisdiction' },
          ExpressionAttributeValues: { ':name': name, ':role': role, ':j': jurisdiction },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      record('write', out.ConsumedCapacity);
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    }
  }

  getStaff(sub: string): Promise<StaffMember | undefined> {
    return this.get<StaffMember>(keys.staff(sub));
  }

  /** The staff directory's reviewers of (role, jurisdiction): one Query on their index partition. */
  async colleagues(role: string, jurisdiction: string): Promise<StaffMember[]> {
    const items = await this.queryAll({
      IndexName: INDEXES.byOwner.name,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': indexKeys.staffPartition(role, jurisdiction) },
    });
    return items.map((i) => strip<StaffMember>(i)!);
  }

  /**
   * Every completed-stage record of (county, stage, month), optionally of one township: one Query on the
   * timing index, followed page by page. Only the fields the timing maths needs are read back.
   */
  stageRecords(county: string, stage: string, month: string, township?: string): Promise<TimingRecord[]> {
    return this.timingIndexPartition(
      indexKeys.timingPartition(county, stage, month),
      township,
      TIMING_FIELDS,
    );
  }

  /**
   * (6) The stored timing samples of a settled timing-index partition, of every township or of one; undefined
   * while they are not (all) stored. The marker is put after every township's item and names them all, so an
   * eventually consistent read that sees the marker but misses an item answers undefined, never a short count.
   */
  async storedSamples(indexPartition: string, township?: string): Promise<TimingSample[] | undefined> {
    if (township) {
      const marker = await this.get<{ townships: string[] }>(keys.samplesStored(indexPartition));
      if (!marker) return undefined;
      if (!marker.townships.includes(township)) return [];
      const item = await this.get<SamplesItem>(keys.samples(indexPartition, township));
      return item ? [unpackSample(item)] : undefined;
    }
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.samplesPartition(indexPartition) },
    });
    const markerSk = keys.samplesStored(indexPartition).sk;
    const marker = items.find((i) => i.sk === markerSk) as { townships: string[] } | undefined;
    const samples = items
      .filter((i) => i.sk !== markerSk)
      .map((i) => unpackSample(i as unknown as SamplesItem));
    return marker && samples.length === marker.townships.length ? samples : undefined;
  }

  /**
   * Stores the samples of a settled timing-index partition (one per township): each township's item, then the
   * marker that makes them count. Puts nothing and answers false when a township's sample is too large for one
   * item; the reports then keep reading that partition's records.
   */
  async putSamples(
    indexPartition: string,
    samples: readonly TimingSample[],
    storedAt: string,
  ): Promise<boolean> {
    const packed = samples.map(packSample);
    if (packed.some((p) => p.durations.byteLength > MAX_SAMPLE_BYTES)) return false;
    const items = packed.map((p) => ({
      ...keys.samples(indexPartition, p.township),
      entity: 'samples',
      ...p,
    }));
    for (let i = 0; i < items.length; i += 25) await this.putItems(items.slice(i, i + 25));
    const out = await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.samplesStored(indexPartition),
          entity: 'samples',
          townships: packed.map((p) => p.township),
          storedAt,
        },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    record('write', out.ConsumedCapacity);
    return true;
  }

  /** Every whole-case milestone of (county, kind, month reached), optionally of one township, like stageRecords. */
  milestoneRecords(county: string, kind: string, month: string, township?: string): Promise<MilestoneItem[]> {
    return this.timingIndexPartition(
      indexKeys.wholeCasePartition(county, kind, month),
      township,
      MILESTONE_FIELDS,
    );
  }

  /** A whole timing-index partition (sort keys start with the township), only `fields` read back. */
  private async timingIndexPartition<T>(
    partition: string,
    township: string | undefined,
    fields: readonly string[],
  ): Promise<T[]> {
    const values: Item = { ':pk': partition };
    let condition = 'gsi3pk = :pk';
    if (township) {
      condition += ' AND begins_with(gsi3sk, :township)';
      values[':township'] = indexKeys.timingTownshipPrefix(township);
    }
    return (await this.queryAll({
      IndexName: INDEXES.byTiming.name,
      KeyConditionExpression: condition,
      ExpressionAttributeValues: values,
      ProjectionExpression: fields.map((_, i) => `#t${i}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(fields.map((f, i) => [`#t${i}`, f])),
    })) as T[];
  }

  /**
   * One page of the stage records of (county, stage, month) decided after their due date: a Query on the timing
   * index (optionally one township) filtered on decidedAt > dueAt.
   */
  async lateStageRecords(
    county: string,
    stage: string,
    month: string,
    township: string | undefined,
    page: { cursor?: string; limit: number },
  ): Promise<Page<TimingRecord>> {
    const values: Item = { ':pk': indexKeys.timingPartition(county, stage, month) };
    let condition = 'gsi3pk = :pk';
    if (township) {
      condition += ' AND begins_with(gsi3sk, :township)';
      values[':township'] = indexKeys.timingTownshipPrefix(township);
    }
    const out = await this.query({
      IndexName: INDEXES.byTiming.name,
      KeyConditionExpression: condition,
      FilterExpression: '#decidedAt > #dueAt',
      ExpressionAttributeNames: { '#decidedAt': 'decidedAt', '#dueAt': 'dueAt' },
      ExpressionAttributeValues: values,
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor),
    });
    return toPage<TimingRecord>(out);
  }

  /**
   * One page of a county's open tasks due before `beforeIso`, soonest due first: a Query on the county's
   * open-task index, bounded by the sort key; stage, role, assignee and township filter inside the page.
   */
  async overdueOpenTasks(
    county: string,
    beforeIso: string,
    filter: { stage?: string; township?: string; role?: string; assignee?: string },
    page: { cursor?: string; limit: number },
  ): Promise<Page<TaskItem>> {
    const values: Item = {
      ':pk': indexKeys.countyOpenTasksPartition(county),
      ':before': indexKeys.openTasksDueBefore(beforeIso),
    };
    const { names, parts: filters } = placeFilter(
      { stage: filter.stage, role: filter.role, assignee: filter.assignee },
      filter.township,
      values,
    );
    const out = await this.query({
      IndexName: INDEXES.byCounty.name,
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :before',
      FilterExpression: filters.length ? filters.join(' AND ') : undefined,
      ExpressionAttributeNames: filters.length ? names : undefined,
      ExpressionAttributeValues: values,
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor),
    });
    return toPage<TaskItem>(out);
  }

  /**
   * (10) One page of a county's cases needing attention, oldest first: open or returned cases whose last
   * progress is before `idleBefore` (`idle`), or the cases in `error`. A Query on the sparse activity entries
   * of the case items; stage and jurisdiction filter inside the page, so a page may come back short.
   */
  async casesNeedingAttention(
    county: string,
    kind: 'idle' | 'error',
    filter: { idleBefore?: string; stage?: string; within?: string },
    page: { cursor?: string; limit: number },
  ): Promise<Page<ActivityRecord>> {
    const idle = kind === 'idle';
    const values: Item = {
      ':pk': idle ? indexKeys.activeCasesPartition(county) : indexKeys.errorCasesPartition(county),
    };
    let condition = 'gsi3pk = :pk';
    if (filter.idleBefore !== undefined) {
      condition += ' AND gsi3sk < :before';
      values[':before'] = indexKeys.idleSince(filter.idleBefore);
    }
    const { names, parts } = placeFilter({ stage: filter.stage }, filter.within, values);
    const out = await this.query({
      IndexName: INDEXES.byTiming.name,
      KeyConditionExpression: condition,
      FilterExpression: parts.length ? parts.join(' AND ') : undefined,
      ProjectionExpression: ACTIVITY_FIELDS.map((_, i) => `#p${i}`).join(', '),
      ExpressionAttributeNames: {
        ...names,
        ...Object.fromEntries(ACTIVITY_FIELDS.map((f, i) => [`#p${i}`, f])),
      },
      ExpressionAttributeValues: values,
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor),
    });
    return toPage<ActivityRecord>(out);
  }

  /** (11) Appends one read to its county's access log; an entry is never overwritten. */
  async putAccessLog(entry: AccessLogItem): Promise<void> {
    const out = await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.accessLog(entry.county, entry.at, entry.requestId), entity: 'access', ...entry },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    record('write', out.ConsumedCapacity);
  }

  /**
   * (11) One page of a county's access log recorded from `from` up to (not including) `to`, newest first: one
   * Query on the county's partition; `actor` (a sub or username) filters inside the page.
   */
  async accessLog(
    county: string,
    range: { from: string; to: string },
    actor: string | undefined,
    page: { cursor?: string; limit: number },
  ): Promise<Page<AccessLogItem>> {
    const out = await this.query({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      FilterExpression: actor ? '#actor.#sub = :actor OR #actor.#username = :actor' : undefined,
      ExpressionAttributeNames: actor
        ? { '#actor': 'actor', '#sub': 'sub', '#username': 'username' }
        : undefined,
      ExpressionAttributeValues: {
        ':pk': keys.accessLogPartition(county),
        ':from': range.from,
        ':to': range.to,
        ...(actor ? { ':actor': actor } : {}),
      },
      ScanIndexForward: false,
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor),
    });
    return toPage<AccessLogItem>(out);
  }

  /**
   * Binds a callback token to a task that is still undecided. Returns false when the task was decided
   * meanwhile (the caller then replays the stored route).
   */
  async bindTaskToken(taskId: string, token: string): Promise<boolean> {
    return this.conditionalUpdate(keys.task(taskId), { taskToken: token }, '#status <> :done', {
      '#status': 'status',
      ':done': 'done',
    });
  }

  /**
   * Binds the supplement wait's token while the case is still returned; false when it was supplemented. The
   * case version moves too, so a supplement or withdrawal that read the case before the token was bound loses
   * its version race and re-reads the case, token included: the wait can never miss its callback.
   */
  async bindSupplementToken(caseId: string, token: string): Promise<boolean> {
    return this.conditionalUpdate(
      keys.case(caseId),
      { supplementToken: token },
      '#status = :returned',
      { '#status': 'status', ':returned': 'returned' },
      true,
    );
  }

  private async conditionalUpdate(
    key: Item,
    set: Item,
    condition: string,
    placeholders: Item,
    bumpVersion = false,
  ): Promise<boolean> {
    const u = updateExpression(set);
    const names = { ...u.names };
    const values = { ...u.values };
    if (bumpVersion) {
      u.expression += ', #ver = #ver + :one';
      names['#ver'] = 'version';
      values[':one'] = 1;
    }
    for (const [k, v] of Object.entries(placeholders)) {
      if (k.startsWith('#')) names[k] = String(v);
      else values[k] = v;
    }
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: u.expression,
          ConditionExpression: `attribute_exists(pk) AND ${condition}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      record('write', out.ConsumedCapacity);
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  /**
   * Applies a CaseChange atomically. A stale case version, a task no longer in an expected status, or an ID
   * number that already holds an open case fails the whole transaction with a 409 and writes nothing.
   */
  async apply(change: CaseChange): Promise<{ case: CaseItem; audit: AuditRecord; task?: TaskItem }> {
    const { before } = change;
    const creating = before.version === 0;
    const seq = before.auditLength + 1;
    const audit = seal(before.auditHead, { ...change.audit, caseId: before.caseId, seq });
    const after: CaseItem = {
      ...before,
      ...change.set,
      version: before.version + 1,
      updatedAt: audit.at,
      auditLength: seq,
      auditHead: audit.hash,
    };
    for (const k of change.remove ?? []) delete after[k];

    const items: TransactItem[] = [];
    const roles: string[] = [];
    if (creating) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.case(after.caseId),
            ...indexKeys.caseOfApplicant(after.applicant.sub, after.createdAt, after.caseId),
            ...indexKeys.caseInCounty(after.villageCode, after.createdAt, after.caseId),
            ...caseActivityKeys(after),
            ...after,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    } else {
      const { caseId: _id, ...fields } = after;
      // the activity entry moves with every change (its sort key is updatedAt) and leaves with the open states
      const activity = caseActivityKeys(after);
      const u = updateExpression(
        {
          ...Object.fromEntries(
            Object.entries(fields).filter(([k]) => k in (change.set ?? {}) || isChainField(k)),
          ),
          ...activity,
        },
        [...((change.remove as string[] | undefined) ?? []), ...(activity ? [] : ACTIVITY_ATTRIBUTES)],
      );
      items.push({
        Update: {
          TableName: this.tableName,
          Key: keys.case(before.caseId),
          UpdateExpression: u.expression,
          ConditionExpression: '#ver = :expected',
          ExpressionAttributeNames: { ...u.names, '#ver': 'version' },
          ExpressionAttributeValues: { ...u.values, ':expected': before.version },
        },
      });
    }
    roles.push('case');
    items.push({
      Put: {
        TableName: this.tableName,
        Item: { ...keys.audit(before.caseId, seq), entity: 'audit', ...audit },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
    roles.push('audit');

    let task: TaskItem | undefined;
    if (change.putTask) {
      task = change.putTask;
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { ...keys.task(task.taskId), ...taskIndexKeys(task, 'open'), ...task },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
      roles.push('task');
    }
    if (change.updateTask) {
      const t = change.updateTask;
      task = { ...t.before, ...t.set };
      for (const k of t.remove ?? []) delete task[k];
      const set: Item = { ...t.set };
      const remove: string[] = [...(t.remove ?? [])];
      if (t.indexing === 'done') {
        Object.assign(set, taskIndexKeys(task, 'done'));
        remove.push(...INDEX_ATTRIBUTES.open);
      } else if (t.indexing === 'open') {
        Object.assign(set, taskIndexKeys(task, 'open'));
      }
      const u = updateExpression(set, remove);
      const expect = Object.fromEntries(t.expect.map((s, i) => [`:expect${i}`, s]));
      items.push({
        Update: {
          TableName: this.tableName,
          Key: keys.task(t.before.taskId),
          UpdateExpression: u.expression,
          ConditionExpression: `attribute_exists(pk) AND #st IN (${Object.keys(expect).join(', ')})`,
          ExpressionAttributeNames: { ...u.names, '#st': 'status' },
          ExpressionAttributeValues: { ...u.values, ...expect },
        },
      });
      roles.push('task');
    }
    if (change.putObjection) {
      const o = change.putObjection;
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { ...keys.objection(o.caseId, o.objectionId), entity: 'objection', ...o },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
      roles.push('objection');
    }
    for (const o of change.resolveObjections?.items ?? []) {
      const u = updateExpression(change.resolveObjections!.set);
      items.push({
        Update: {
          TableName: this.tableName,
          Key: keys.objection(o.caseId, o.objectionId),
          UpdateExpression: u.expression,
          ConditionExpression: 'attribute_exists(pk) AND #st = :open',
          ExpressionAttributeNames: { ...u.names, '#st': 'status' },
          ExpressionAttributeValues: { ...u.values, ':open': 'open' },
        },
      });
      roles.push('objection');
    }
    for (const id of change.claimGuards ?? []) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { ...keys.householdGuard(id), entity: 'guard', caseId: before.caseId },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
      roles.push(`guard:${id}`);
    }
    for (const id of change.releaseGuards ?? []) {
      items.push({
        Delete: {
          TableName: this.tableName,
          Key: keys.householdGuard(id),
          ConditionExpression: 'attribute_not_exists(pk) OR caseId = :case',
          ExpressionAttributeValues: { ':case': before.caseId },
        },
      });
      roles.push('release');
    }
    for (const m of change.milestones ?? []) {
      items.push({ Put: { TableName: this.tableName, Item: milestoneItem(m) } });
      roles.push('milestone');
    }

    try {
      const out = await this.doc.send(
        new TransactWriteCommand({ TransactItems: items, ReturnConsumedCapacity: 'TOTAL' }),
      );
      record('write', out.ConsumedCapacity);
    } catch (e) {
      throw await this.explain(e, roles, before.caseId);
    }
    return { case: after, audit, task };
  }

  /** Turns a cancelled transaction into the 409 that names what was in the way. */
  private async explain(e: unknown, roles: string[], caseId: string): Promise<unknown> {
    if (!(e instanceof TransactionCanceledException)) {
      if ((e as Error).name === 'TransactionConflictException') {
        return conflict('the case is being changed by another request; reload and try again');
      }
      return e;
    }
    const reasons = e.CancellationReasons ?? [];
    const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
    const role = failed >= 0 ? roles[failed] : undefined;
    if (role?.startsWith('guard:')) {
      const guard = await this.get<{ caseId: string }>(keys.householdGuard(role.slice('guard:'.length)));
      return new DomainError(
        'conflict',
        `this household already has an open case${guard ? ` (${guard.caseId})` : ''}`,
        [
          {
            path: 'household',
            rule: 'one_open_case',
            message: guard ? `open case ${guard.caseId}` : 'open case exists',
          },
        ],
      );
    }
    if (role === 'task')
      return conflict('the task is no longer open for this action', [{ path: 'task', rule: 'task_state' }]);
    if (role === 'objection')
      return conflict('an objection changed meanwhile; reload and try again', [
        { path: 'objection', rule: 'objection_state' },
      ]);
    if (role === 'case') {
      return conflict('the case changed since it was read; reload and try again', [
        { path: 'case', rule: 'version' },
      ]);
    }
    if (reasons.some((r) => r.Code === 'TransactionConflict')) {
      return conflict('the case is being changed by another request; reload and try again');
    }
    return new Error(`transaction on case ${caseId} cancelled: ${reasons.map((r) => r.Code).join(',')}`, {
      cause: e,
    });
  }
}

const isChainField = (k: string) =>
  k === 'version' || k === 'updatedAt' || k === 'auditLength' || k === 'auditHead';
