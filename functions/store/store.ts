import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../../schemas/records.ts';
import { documentClient, env } from '../commons/clients.ts';
import { seal, type UnsealedRecord } from '../core/audit-chain.ts';
import { conflict, DomainError } from '../core/errors.ts';
import type { Policy } from '../core/policy.ts';
import { localMonth, parseIso } from '../core/time.ts';
import { record } from './capacity.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { CaseItem, ObjectionItem, TaskItem } from './items.ts';
import { INDEXES, indexKeys, keys } from './keys.ts';

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
}

/** A completed stage task as the timing reports read it from the timing index. */
export type TimingRecord = Pick<
  TaskItem,
  | 'taskId'
  | 'caseId'
  | 'stage'
  | 'villageCode'
  | 'openedAt'
  | 'claimedAt'
  | 'decidedAt'
  | 'dueAt'
  | 'decision'
>;
const TIMING_FIELDS = [
  'taskId',
  'caseId',
  'stage',
  'villageCode',
  'openedAt',
  'claimedAt',
  'decidedAt',
  'dueAt',
  'decision',
] as const;

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

/** A Query's items without key attributes, and the cursor to the next page. */
function toPage<T>(out: { Items?: Item[]; LastEvaluatedKey?: Item }): Page<T> {
  return { items: (out.Items ?? []).map((i) => strip<T>(i)!), cursor: encodeCursor(out.LastEvaluatedKey) };
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

  getCase(caseId: string): Promise<CaseItem | undefined> {
    return this.get<CaseItem>(keys.case(caseId));
  }

  getTask(taskId: string): Promise<TaskItem | undefined> {
    return this.get<TaskItem>(keys.task(taskId));
  }

  getPolicy(county: string): Promise<Policy | undefined> {
    return this.get<Policy>(keys.policy(county));
  }

  async getCalendarOverrides(county: string): Promise<Record<string, boolean>> {
    const item = await this.get<{ dates: Record<string, boolean> }>(keys.calendar(county));
    return item?.dates ?? {};
  }

  /** The case and its whole trail in one Query on the case's partition, trail in sequence order. */
  async getCaseWithTrail(caseId: string): Promise<{ case?: CaseItem; trail: AuditRecord[] }> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const out = await this.query({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.casePartition(caseId) },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      });
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    const caseItem = items.find((i) => i.sk === keys.case(caseId).sk);
    const trail = items
      .filter((i) => String(i.sk).startsWith(keys.auditPrefix))
      .map((i) => strip<AuditRecord>(i)!);
    return { case: strip<CaseItem>(caseItem), trail };
  }

  /** (8) The case's objections still open: one Query on the case's partition, objections only. */
  async openObjections(caseId: string): Promise<ObjectionItem[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const out = await this.query({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: '#status = :open',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':pk': keys.casePartition(caseId),
          ':prefix': keys.objectionPrefix,
          ':open': 'open',
        },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      });
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
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
    const names: Record<string, string> = {};
    const values: Item = { ':pk': indexKeys.countyCasesPartition(jurisdiction.slice(0, 6)) };
    const filters: string[] = [];
    let condition = 'gsi2pk = :pk';
    if (jurisdiction.length > 6) {
      condition += ' AND begins_with(gsi2sk, :scope)';
      values[':scope'] = jurisdiction;
    }
    for (const [field, value] of Object.entries(filter)) {
      if (value === undefined) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      filters.push(`#${field} = :${field}`);
    }
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

  /** Open tasks of (role, jurisdiction), soonest due first: one Query on the sparse inbox index. */
  async inbox(
    role: string,
    jurisdiction: string,
    page: { cursor?: string; limit: number },
  ): Promise<Page<TaskItem>> {
    const out = await this.query({
      IndexName: INDEXES.byOwner.name,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': indexKeys.inboxPartition(role, jurisdiction) },
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor),
    });
    return toPage<TaskItem>(out);
  }

  /**
   * Every completed-stage record of (county, stage, month), optionally of one township: one Query on the
   * timing index, followed page by page. Only the fields the timing maths needs are read back.
   */
  async stageRecords(
    county: string,
    stage: string,
    month: string,
    township?: string,
  ): Promise<TimingRecord[]> {
    const values: Item = { ':pk': indexKeys.timingPartition(county, stage, month) };
    let condition = 'gsi3pk = :pk';
    if (township) {
      condition += ' AND begins_with(gsi3sk, :township)';
      values[':township'] = indexKeys.timingTownshipPrefix(township);
    }
    const items: TimingRecord[] = [];
    let start: Item | undefined;
    do {
      const out = await this.query({
        IndexName: INDEXES.byTiming.name,
        KeyConditionExpression: condition,
        ExpressionAttributeValues: values,
        ProjectionExpression: TIMING_FIELDS.map((_, i) => `#t${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(TIMING_FIELDS.map((f, i) => [`#t${i}`, f])),
        ExclusiveStartKey: start,
      });
      items.push(...((out.Items ?? []) as TimingRecord[]));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
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
   * open-task index, bounded by the sort key; stage and township filter inside the page.
   */
  async overdueOpenTasks(
    county: string,
    beforeIso: string,
    filter: { stage?: string; township?: string },
    page: { cursor?: string; limit: number },
  ): Promise<Page<TaskItem>> {
    const names: Record<string, string> = {};
    const values: Item = {
      ':pk': indexKeys.countyOpenTasksPartition(county),
      ':before': indexKeys.openTasksDueBefore(beforeIso),
    };
    const filters: string[] = [];
    if (filter.stage) {
      names['#stage'] = 'stage';
      values[':stage'] = filter.stage;
      filters.push('#stage = :stage');
    }
    if (filter.township) {
      names['#village'] = 'villageCode';
      values[':township'] = filter.township;
      filters.push('begins_with(#village, :township)');
    }
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
            ...after,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    } else {
      const { caseId: _id, ...fields } = after;
      const u = updateExpression(
        Object.fromEntries(
          Object.entries(fields).filter(([k]) => k in (change.set ?? {}) || isChainField(k)),
        ),
        change.remove as string[] | undefined,
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
