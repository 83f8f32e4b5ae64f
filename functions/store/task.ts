/**
 * The task entity (access patterns 3, 4, 6, 7): a human stage's task, in the inbox while open, in the timing
 * index once decided. Its token is stored, never returned.
 */
import { z } from 'zod';
import { roleSchema } from '../../schemas/common.ts';
import {
  decisionKindSchema,
  type Procedure,
  procedureSchema,
  taskStatusSchema,
} from '../../schemas/domain.ts';
import { countyOf, townshipOf } from '../core/jurisdiction.ts';
import { HUMAN_STAGES, type HumanStage, type Route } from '../core/procedure.ts';
import { localMonth, parseIso } from '../core/time.ts';
import { type CaseItem, getCase, joinedCase } from './case.ts';
import { caseIdOfTask, INDEXES, indexKeys, keys, TIMING_INDEX_READS } from './keys.ts';
import {
  type EntitySchema,
  equalityFilter,
  fieldMask,
  filterParts,
  type Item,
  type Page,
  type PageRequest,
  parseItem,
  placeFilter,
  procedureFilter,
  storedObject,
  type Table,
  type TransactItem,
  updateExpression,
} from './table.ts';
import { type TimingSince, timingIndexPartition } from './timing-index.ts';

export const TASK_ENTITY = 'task';

export const humanStageSchema = z.enum(HUMAN_STAGES as [HumanStage, ...HumanStage[]]);

/** A human stage's task as stored. */
export const taskItemSchema = z.object({
  taskId: z.string(),
  caseId: z.string(),
  /** its case's procedure, written when the task opens; a task stored before tasks kept it reads identification */
  procedure: procedureSchema.default('identification'),
  stage: humanStageSchema,
  role: roleSchema,
  jurisdiction: z.string(),
  villageCode: z.string(),
  /** the household head's name when the task opened (tasks opened before it was kept have none) */
  headName: z.string().optional(),
  status: taskStatusSchema,
  assignee: z.string().optional(),
  assigneeName: z.string().optional(),
  openedAt: z.string(),
  dueAt: z.string(),
  /** when the workflow next escalates (the due date, then one more stage limit each time) */
  escalateAt: z.string(),
  escalations: z.number(),
  overdue: z.boolean(),
  claimedAt: z.string().optional(),
  decidedAt: z.string().optional(),
  decision: decisionKindSchema.optional(),
  decidedBy: z.string().optional(),
  /** the route the decision sends the workflow on, kept so a lost callback can be replayed */
  route: storedObject<Route>().optional(),
  taskToken: z.string().optional(),
});
export type TaskItem = z.infer<typeof taskItemSchema>;
export const TASK: EntitySchema<TaskItem> = { name: TASK_ENTITY, schema: taskItemSchema };

/**
 * A completed stage task as the timing reports read it from the timing index: its stage is that of the partition
 * read (the index copies none, so no case's stage change rewrites a case's timing entry).
 */
const TIMING_FIELDS = TIMING_INDEX_READS.stageRecord;
const indexedRecordSchema = taskItemSchema.pick(fieldMask(TIMING_FIELDS));
export type TimingRecord = z.infer<typeof indexedRecordSchema> & Pick<TaskItem, 'stage'>;
/** The stage records of one stage's partition, read with that stage. */
const timingRecords = (stage: HumanStage): EntitySchema<TimingRecord> => ({
  name: 'stage record',
  schema: indexedRecordSchema.transform((r) => ({ ...r, stage })),
});

/** What a task change does to its index entries: stays in the inbox, leaves it for the timing index, or neither. */
export type TaskIndexing = 'open' | 'done';

/** The index entries that move between the inbox and the timing index. */
const INDEX_ATTRIBUTES = {
  open: ['gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'],
  done: ['gsi3pk', 'gsi3sk'],
} as const;

/** The task's index entries: the inbox and county open-task entries while open, its stage record once done. */
export function taskIndexKeys(t: TaskItem, indexing: TaskIndexing): Item {
  if (indexing === 'open') return indexKeys.openTask(t.role, t.jurisdiction, t.dueAt, t.taskId);
  const decidedAt = t.decidedAt!;
  return indexKeys.doneTask(
    t.procedure,
    countyOf(t.jurisdiction),
    t.stage,
    localMonth(parseIso(decidedAt)),
    townshipOf(t.villageCode),
    decidedAt,
    t.taskId,
  );
}

/** The task's whole item, with the index entries of its status. */
export const taskItem = (t: TaskItem): Item => ({
  ...keys.task(t.taskId),
  ...taskIndexKeys(t, t.status === 'done' ? 'done' : 'open'),
  entity: TASK_ENTITY,
  ...t,
});

/** The transaction item opening a task: a new item in the inbox. */
export const putTaskItem = (tableName: string, t: TaskItem): TransactItem => ({
  Put: { TableName: tableName, Item: taskItem(t), ConditionExpression: 'attribute_not_exists(pk)' },
});

/** A change of a task inside a case transaction: what it sets and removes, in which statuses it may be. */
export interface TaskUpdate {
  before: TaskItem;
  expect: TaskItem['status'][];
  set?: Partial<TaskItem>;
  remove?: (keyof TaskItem)[];
  indexing?: TaskIndexing;
  /**
   * The change resumes the task's workflow with the token read in `before`: it holds only while that token is
   * still the one bound (a retried wait or an escalation binds a new one), so no second read is needed after it.
   */
  sameToken?: boolean;
}

/** The task after `u`. */
export function taskAfter(u: TaskUpdate): TaskItem {
  const task = { ...u.before, ...u.set };
  for (const k of u.remove ?? []) delete task[k];
  return task;
}

/**
 * The transaction item of a task change: it holds only while the task is in one of the expected statuses (and,
 * with `sameToken`, still has the token it was read with).
 */
export function updateTaskItem(tableName: string, u: TaskUpdate): TransactItem {
  const set: Item = { ...u.set };
  const remove: string[] = [...(u.remove ?? [])];
  if (u.indexing === 'done') {
    Object.assign(set, taskIndexKeys(taskAfter(u), 'done'));
    remove.push(...INDEX_ATTRIBUTES.open);
  } else if (u.indexing === 'open') {
    Object.assign(set, taskIndexKeys(taskAfter(u), 'open'));
  }
  const x = updateExpression(set, remove);
  const expect: Item = Object.fromEntries(u.expect.map((s, i) => [`:expect${i}`, s]));
  const names: Record<string, string> = { ...x.names, '#st': 'status' };
  let condition = `attribute_exists(pk) AND #st IN (${Object.keys(expect).join(', ')})`;
  if (u.sameToken) {
    names['#token'] = 'taskToken';
    if (u.before.taskToken === undefined) condition += ' AND attribute_not_exists(#token)';
    else {
      condition += ' AND #token = :token';
      expect[':token'] = u.before.taskToken;
    }
  }
  return {
    Update: {
      TableName: tableName,
      Key: keys.task(u.before.taskId),
      UpdateExpression: x.expression,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ...x.values, ...expect },
    },
  };
}

/** (4) A task by id. */
export const getTask = (table: Table, taskId: string) => table.get(TASK, keys.task(taskId));

/**
 * (4) A task and its case, strongly consistent: in one BatchGetItem of the task, case and filing items when the
 * task's id names its case (keys.taskIdOf), else the task, then its case.
 */
export async function getTaskAndCase(
  table: Table,
  taskId: string,
): Promise<{ task?: TaskItem; case?: CaseItem }> {
  const named = caseIdOfTask(taskId);
  if (!named) {
    const task = await getTask(table, taskId);
    return { task, case: task ? await getCase(table, task.caseId) : undefined };
  }
  const [t, c, filing] = await table.getItems(
    [keys.task(taskId), keys.case(named), keys.caseFiling(named)],
    undefined,
    true,
  );
  const task = t ? parseItem(TASK, t) : undefined;
  // an id naming a case other than its task's (never written so): the task's own case
  if (task && task.caseId !== named) return { task, case: await getCase(table, task.caseId) };
  return { task, case: c ? joinedCase(c, filing) : undefined };
}

/**
 * Binds a callback token to a task that is still undecided. Returns false when the task was decided
 * meanwhile (the caller then replays the stored route).
 */
export const bindTaskToken = (table: Table, taskId: string, token: string): Promise<boolean> =>
  table.updateIf(keys.task(taskId), { taskToken: token }, '#status <> :done', {
    '#status': 'status',
    ':done': 'done',
  });

/**
 * What narrows an inbox Query: a due bound on the sort key (at most one), stage, assignee and procedure inside
 * the page.
 */
export interface InboxFilter {
  dueBefore?: string;
  dueFrom?: string;
  stage?: string;
  assignee?: string;
  procedure?: Procedure;
}

/**
 * (3) Open tasks of (role, jurisdiction), soonest due first: one Query on the sparse inbox index. A due bound
 * narrows the sort-key range (`dueBefore`: the overdue ones, `dueFrom`: the others); stage, assignee and procedure
 * filter inside the Query (Table.page reads on until the page is full).
 */
export function inbox(
  table: Table,
  role: string,
  jurisdiction: string,
  page: PageRequest,
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
  const filters = filterParts(
    procedureFilter(
      filter.procedure,
      equalityFilter({ stage: filter.stage, assignee: filter.assignee }, values),
      values,
    ),
  );
  return table.page(
    TASK,
    {
      IndexName: INDEXES.byOwner.name,
      KeyConditionExpression: condition,
      ...filters,
      ExpressionAttributeValues: values,
    },
    page,
  );
}

/**
 * (7) One page of a county's open tasks due before `beforeIso`, soonest due first: a Query on the county's
 * open-task index, bounded by the sort key; stage, role, assignee, township and procedure filter inside the Query.
 */
export function overdueOpenTasks(
  table: Table,
  county: string,
  beforeIso: string,
  filter: { stage?: string; township?: string; role?: string; assignee?: string; procedure?: Procedure },
  page: PageRequest,
): Promise<Page<TaskItem>> {
  const values: Item = {
    ':pk': indexKeys.countyOpenTasksPartition(county),
    ':before': indexKeys.openTasksDueBefore(beforeIso),
  };
  const filters = filterParts(
    procedureFilter(
      filter.procedure,
      placeFilter(
        { stage: filter.stage, role: filter.role, assignee: filter.assignee },
        filter.township,
        values,
      ),
      values,
    ),
  );
  return table.page(
    TASK,
    {
      IndexName: INDEXES.byCounty.name,
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :before',
      ...filters,
      ExpressionAttributeValues: values,
    },
    page,
  );
}

/**
 * (6) Every completed-stage record of (procedure, county, stage, month), optionally of one township, or those
 * decided from `since` on: Queries on the timing index, followed page by page. Only the fields the timing maths
 * needs are read back.
 */
export const stageRecords = (
  table: Table,
  procedure: Procedure,
  county: string,
  stage: HumanStage,
  month: string,
  township?: string,
  since?: TimingSince,
): Promise<TimingRecord[]> =>
  timingIndexPartition(
    table,
    timingRecords(stage),
    indexKeys.timingPartition(procedure, county, stage, month),
    township,
    TIMING_FIELDS,
    since,
  );

/**
 * One page of the stage records of (procedure, county, stage, month) decided after their due date: a Query on the
 * timing index (optionally one township) filtered on decidedAt > dueAt.
 */
export function lateStageRecords(
  table: Table,
  procedure: Procedure,
  county: string,
  stage: HumanStage,
  month: string,
  township: string | undefined,
  page: PageRequest,
): Promise<Page<TimingRecord>> {
  const values: Item = { ':pk': indexKeys.timingPartition(procedure, county, stage, month) };
  let condition = 'gsi3pk = :pk';
  if (township) {
    condition += ' AND begins_with(gsi3sk, :township)';
    values[':township'] = indexKeys.timingTownshipPrefix(township);
  }
  return table.page(
    timingRecords(stage),
    {
      IndexName: INDEXES.byTiming.name,
      KeyConditionExpression: condition,
      FilterExpression: '#decidedAt > #dueAt',
      ExpressionAttributeNames: { '#decidedAt': 'decidedAt', '#dueAt': 'dueAt' },
      ExpressionAttributeValues: values,
    },
    page,
  );
}
