/**
 * The exact DynamoDB requests each store module sends, offline: a document client whose middleware records the
 * command and answers it (AWS is the one thing mocked). What the requests do against a real table is
 * test/store/store.test.ts's.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { asHandler } from '../../functions/commons/command-log.ts';
import { GENESIS_HASH } from '../../functions/core/audit-chain.ts';
import { defaultPolicy } from '../../functions/core/policy.ts';
import { accessLog } from '../../functions/store/access-log.ts';
import { CALENDAR_CACHE_MS, getCalendarOverrides, putCalendar } from '../../functions/store/calendar.ts';
import { consumed } from '../../functions/store/capacity.ts';
import {
  type CaseItem,
  caseItems,
  casesInJurisdiction,
  casesNeedingAttention,
  getCase,
  inFlightCases,
  monitoredCases,
} from '../../functions/store/case.ts';
import { caseTransaction } from '../../functions/store/case-transaction.ts';
import { decodeCursor } from '../../functions/store/cursor.ts';
import { idNumberDigest, keys, taskIdOf } from '../../functions/store/keys.ts';
import { type MeasureItem, measureItem, overdueMeasures } from '../../functions/store/measure.ts';
import { milestoneRecords } from '../../functions/store/milestone.ts';
import { openObjections } from '../../functions/store/objection.ts';
import { policyHistory, putPolicy } from '../../functions/store/policy.ts';
import { storedSamples } from '../../functions/store/samples.ts';
import { putStaff } from '../../functions/store/staff.ts';
import {
  MAX_FILTERED_READS,
  QUERY_ALL_PAGE_ITEMS,
  StoredItemError,
  Table,
} from '../../functions/store/table.ts';
import {
  bindTaskToken,
  getTaskAndCase,
  inbox,
  overdueOpenTasks,
  type TaskItem,
  taskItem,
} from '../../functions/store/task.ts';
import { validHousehold } from '../support/fixtures.ts';

type Answer = (command: string, input: Record<string, unknown>) => Record<string, unknown>;

/** A Table named T whose every request is recorded and answered by `answer` (empty by default). */
function offline(answer: Answer = () => ({})) {
  const client = new DynamoDBClient({
    region: 'cn-north-1',
    credentials: { accessKeyId: 'offline', secretAccessKey: 'offline' },
  });
  const sent: { command: string; input: Record<string, unknown> }[] = [];
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      const input = structuredClone(args.input) as Record<string, unknown>;
      sent.push({ command: context.commandName ?? '', input });
      return { output: { $metadata: {}, ...answer(context.commandName ?? '', input) }, response: {} };
    },
    // innermost of the initialize step: it sees the input as the capacity middleware leaves it
    { step: 'initialize', priority: 'low', name: 'offline' },
  );
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { table: new Table(doc, 'T'), sent };
}

const AT = '2026-11-02T09:00:00.000+08:00';
/** The keys a list's BatchGetItem asks for: each case's case item and filing item. */
const bothItemsOf = (...caseIds: string[]) => caseIds.flatMap((id) => [keys.case(id), keys.caseFiling(id)]);
const household = validHousehold(42);
const filed: CaseItem = {
  caseId: 'case_1',
  procedure: 'identification',
  status: 'open',
  stage: 'village_review',
  villageCode: '611002100201',
  household,
  applicant: { sub: 'u-village', name: '村干部', role: 'village_reviewer' },
  createdAt: AT,
  updatedAt: AT,
  version: 1,
  policy: defaultPolicy('611002'),
  auditLength: 1,
  auditHead: 'a'.repeat(64),
  openTaskId: 'task_1',
  route: { target: 'village_review' },
  guards: [household.head.idNumber],
};
const task: TaskItem = {
  taskId: 'task_1',
  caseId: 'case_1',
  procedure: 'identification',
  stage: 'village_review',
  role: 'village_reviewer',
  jurisdiction: '611002100201',
  villageCode: '611002100201',
  status: 'claimed',
  assignee: 'u-village',
  openedAt: AT,
  dueAt: '2026-11-05T24:00:00.000+08:00',
  escalateAt: '2026-11-05T24:00:00.000+08:00',
  escalations: 0,
  overdue: false,
  claimedAt: AT,
  taskToken: 'tok',
};

describe('capacity middleware', () => {
  it('asks every request for its consumed capacity and adds it up', async () => {
    const { table, sent } = offline((command) => ({
      ConsumedCapacity: { TableName: 'T', CapacityUnits: command === 'QueryCommand' ? 0.5 : 2 },
    }));
    const before = { ...consumed };

    await getCase(table, 'case_1');
    await bindTaskToken(table, 'task_1', 'tok');

    expect(sent.map((s) => s.input.ReturnConsumedCapacity)).toEqual(['TOTAL', 'TOTAL']);
    expect(consumed.reads - before.reads).toBe(1);
    expect(consumed.readUnits - before.readUnits).toBe(0.5);
    expect(consumed.writes - before.writes).toBe(1);
    expect(consumed.writeUnits - before.writeUnits).toBe(2);
  });
});

describe('case.ts', () => {
  it('reads a case by key, consistently: its case item and its filing item in one Query, joined and parsed', async () => {
    const [caseItem_, filingItem] = caseItems(filed);
    const { table, sent } = offline(() => ({ Items: [caseItem_, filingItem] }));

    const c = await getCase(table, 'case_1');

    expect(sent[0]).toEqual({
      command: 'QueryCommand',
      input: {
        TableName: 'T',
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :case AND :filing',
        ExpressionAttributeValues: { ':pk': 'CASE#case_1', ':case': '#CASE', ':filing': '#FILING' },
        ConsistentRead: true,
        Limit: QUERY_ALL_PAGE_ITEMS,
        ReturnConsumedCapacity: 'TOTAL',
      },
    });
    expect(c).toEqual(filed);
    // the filing fields are on the filing item only, with the list entries; the case item keeps its activity
    expect(Object.keys(caseItem_!)).not.toContain('household');
    expect(caseItem_).not.toHaveProperty('gsi1pk');
    expect(caseItem_).toMatchObject({ gsi3pk: 'ACTIVE#611002', gsi3sk: `${AT}#case_1` });
    expect(filingItem).toMatchObject({
      ...keys.caseFiling('case_1'),
      gsi1pk: 'APPLICANT#u-village',
      gsi2pk: 'CASES#611002',
      procedure: 'identification',
      household,
      policyRef: { county: '611002', version: 0 },
    });
  });

  it('reads a case stored before the filing item: its filing fields on the case item', async () => {
    const { table } = offline(() => ({
      Items: [{ ...keys.case('case_1'), entity: 'case', gsi3pk: 'x', ...filed }],
    }));

    expect(await getCase(table, 'case_1')).toEqual(filed);
  });

  it('refuses a stored item that does not match the schema: a 500 naming its key, never a cast', async () => {
    const { table } = offline(() => ({ Items: [{ ...keys.case('case_1'), ...filed, status: 'lost' }] }));

    const e = await getCase(table, 'case_1').catch((err: unknown) => err);

    expect(e).toBeInstanceOf(StoredItemError);
    expect((e as Error).message).toContain('CASE#case_1/#CASE');
    expect((e as Error).message).toContain('status');
  });

  it('queries the county index for a township, filters in the page, and pages by cursor', async () => {
    const { table, sent } = offline(() => ({
      Items: [],
      LastEvaluatedKey: { pk: 'a', sk: 'b', gsi2pk: 'c', gsi2sk: 'd' },
    }));

    const page = await casesInJurisdiction(table, '611002100', { status: 'open' }, { limit: 20 });

    expect(sent[0]!.input).toEqual({
      TableName: 'T',
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :scope)',
      ExpressionAttributeValues: { ':pk': 'CASES#611002', ':scope': '611002100' },
      Limit: 20,
      ReturnConsumedCapacity: 'TOTAL',
    });
    // the status is the case's, not the entry's: a filtered page that finds nothing reads on, up to its bound, and
    // answers empty with its cursor
    expect(sent).toHaveLength(MAX_FILTERED_READS);
    expect(page.cursor).toBeDefined();
    await casesInJurisdiction(table, '611002', {}, { limit: 5, cursor: page.cursor });
    const next = sent[MAX_FILTERED_READS]!.input;
    expect(next.ExclusiveStartKey).toEqual({ pk: 'a', sk: 'b', gsi2pk: 'c', gsi2sk: 'd' });
    expect(next.FilterExpression).toBeUndefined();
    expect(sent).toHaveLength(MAX_FILTERED_READS + 1);
  });

  it('filters status and stage on the cases read, reading on until the page is full', async () => {
    const stored = (n: number, status: CaseItem['status']) =>
      caseItems({ ...filed, caseId: `case_${n}`, status });
    let reads = 0;
    const { table, sent } = offline((command, input) => {
      if (command === 'BatchGetItemCommand') {
        const wanted = (input.RequestItems as { T: { Keys: { pk: string }[] } }).T.Keys.map((k) => k.pk);
        const all = [1, 2, 3, 4].flatMap((n) => stored(n, n % 2 ? 'open' : 'returned'));
        return { Responses: { T: all.filter((i) => wanted.includes(String(i.pk))) } };
      }
      reads++;
      if (reads === 1)
        return { Items: [{ caseId: 'case_1' }, { caseId: 'case_2' }], LastEvaluatedKey: { pk: 'p2' } };
      return reads === 2
        ? { Items: [{ caseId: 'case_3' }], LastEvaluatedKey: { pk: 'p3' } }
        : { Items: [{ caseId: 'case_4' }] };
    });

    const page = await casesInJurisdiction(table, '611002', { status: 'returned' }, { limit: 2 });

    const queries = sent.filter((s) => s.command === 'QueryCommand').map((s) => s.input);
    expect(queries.map((q) => [q.Limit, q.FilterExpression])).toEqual([
      [2, undefined],
      [1, undefined],
      [1, undefined],
    ]);
    expect(sent[1]!.input.RequestItems).toEqual({
      T: {
        Keys: bothItemsOf('case_1', 'case_2'),
      },
    });
    // each later read asked for the one case the page lacked; case_3 is open, case_4 returned, and the range ended
    expect(page.items.map((c) => c.caseId)).toEqual(['case_2', 'case_4']);
    expect(page.cursor).toBeUndefined();
  });

  it('fills a filtered page: reads on from where the last read stopped, never asking for more than it lacks', async () => {
    const listed = (n: number) => ({ caseId: `case_${n}`, procedure: 'risk_elimination' });
    let reads = 0;
    const { table, sent } = offline((command) => {
      if (command === 'BatchGetItemCommand') {
        return { Responses: { T: [1, 2, 3].flatMap((n) => caseItems({ ...filed, caseId: `case_${n}` })) } };
      }
      reads++;
      return reads === 1
        ? { Items: [listed(1)], LastEvaluatedKey: { pk: 'p1', sk: 's', gsi2pk: 'c', gsi2sk: 'd1' } }
        : {
            Items: [listed(2), listed(3)],
            LastEvaluatedKey: { pk: 'p3', sk: 's', gsi2pk: 'c', gsi2sk: 'd3' },
          };
    });

    const page = await casesInJurisdiction(table, '611002', { procedure: 'risk_elimination' }, { limit: 3 });

    const queries = sent.filter((s) => s.command === 'QueryCommand').map((s) => s.input);
    expect(queries.map((q) => [q.Limit, q.ExclusiveStartKey])).toEqual([
      [3, undefined],
      [2, { pk: 'p1', sk: 's', gsi2pk: 'c', gsi2sk: 'd1' }],
    ]);
    expect(queries[0]).toMatchObject({
      FilterExpression: '#procedure = :procedure',
      ExpressionAttributeNames: { '#procedure': 'procedure' },
      ExpressionAttributeValues: { ':pk': 'CASES#611002', ':procedure': 'risk_elimination' },
    });
    expect(decodeCursor(page.cursor)).toEqual({ pk: 'p3', sk: 's', gsi2pk: 'c', gsi2sk: 'd3' });
  });

  it('matches identification on entries without a procedure (tasks stored before tasks kept it)', async () => {
    const { table, sent } = offline(() => ({ Items: [] }));

    await inbox(table, 'village_reviewer', '611002100201', { limit: 10 }, { procedure: 'identification' });

    expect(sent[0]!.input).toMatchObject({
      FilterExpression: '(attribute_not_exists(#procedure) OR #procedure = :procedure)',
      ExpressionAttributeValues: { ':procedure': 'identification' },
    });
  });

  it('reads the monitored entries by contiguous enrolment ranges, in pages of at most a thousand', async () => {
    const monitored = (n: string) => ({
      caseId: n,
      villageCode: '611002100201',
      status: 'enrolled',
      enrolledAt: AT,
      personCount: 3,
    });
    const { table, sent } = offline((_c, input) => {
      const v = input.ExpressionAttributeValues as Record<string, string>;
      return input.ExclusiveStartKey
        ? { Items: [monitored(`${v[':to']}/2`)] }
        : {
            Items: [monitored(`${v[':to']}/1`)],
            LastEvaluatedKey: { pk: 'p', sk: 's', gsi3pk: 'm', gsi3sk: v[':to'] },
          };
    });

    const cases = await monitoredCases(table, '611002', '2027-01-01T00:00:00.000+08:00');

    const queries = sent.map((s) => s.input);
    expect(queries.every((q) => q.Limit === QUERY_ALL_PAGE_ITEMS && q.IndexName === 'gsi3')).toBe(true);
    // everything before 2025, then each quarter up to the bound, contiguous: no key in two ranges or in none
    const ranges = queries
      .filter((q) => !q.ExclusiveStartKey)
      .map((q) => {
        const v = q.ExpressionAttributeValues as Record<string, string>;
        expect(v[':pk']).toBe('MONITORED#611002');
        return [q.KeyConditionExpression, v[':from'], v[':to']];
      });
    expect(ranges[0]).toEqual(['gsi3pk = :pk AND gsi3sk < :to', undefined, '2025-01']);
    expect(ranges.slice(1, 3)).toEqual([
      ['gsi3pk = :pk AND gsi3sk BETWEEN :from AND :to', '2025-01', '2025-04'],
      ['gsi3pk = :pk AND gsi3sk BETWEEN :from AND :to', '2025-04', '2025-07'],
    ]);
    expect(ranges.at(-1)).toEqual([
      'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :to',
      '2027-01',
      '2027-01-01T00:00:00.000+08:00',
    ]);
    expect(ranges).toHaveLength(10);
    // every range followed to its end, and the cases in enrolment order
    expect(cases).toHaveLength(20);
    expect(cases.slice(0, 4).map((c) => c.caseId)).toEqual([
      '2025-01/1',
      '2025-01/2',
      '2025-04/1',
      '2025-04/2',
    ]);
  });

  it('finds in-flight cases with one Query per county on the active entries, never a Scan', async () => {
    const { table, sent } = offline((_c, input) => ({
      Items: [{ caseId: `in-${(input.ExpressionAttributeValues as Record<string, string>)[':pk']}` }],
    }));

    const ids = await inFlightCases(table, ['611002', '611003', '611002']);

    expect(sent.map((s) => s.command)).toEqual(['QueryCommand', 'QueryCommand']);
    expect(sent[0]!.input).toMatchObject({
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': 'ACTIVE#611002' },
      ProjectionExpression: '#p0',
      ExpressionAttributeNames: { '#p0': 'caseId' },
    });
    expect(ids).toEqual(['in-ACTIVE#611002', 'in-ACTIVE#611003']);
  });

  it('reads stuck cases from the activity entries (their ids only), then the cases by key, kept when idle long enough', async () => {
    const later = '2026-11-20T09:00:00.000+08:00';
    const { table, sent } = offline((command) =>
      command === 'QueryCommand'
        ? { Items: [{ caseId: 'case_1' }, { caseId: 'case_2' }] }
        : {
            Responses: {
              T: [caseItems(filed)[0], caseItems({ ...filed, caseId: 'case_2', stageEnteredAt: later })[0]],
            },
          },
    );

    const page = await casesNeedingAttention(
      table,
      '611002',
      'idle',
      { idleBefore: '2026-11-10T00:00:00.000+08:00', within: '611002100' },
      { limit: 50 },
    );

    expect(sent[0]!.input).toMatchObject({
      IndexName: 'gsi3',
      // a case filed after the bound cannot have been idle since before it
      KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk < :filedBefore',
      FilterExpression: 'begins_with(#village, :within)',
      ExpressionAttributeValues: {
        ':pk': 'ACTIVE#611002',
        ':filedBefore': '2026-11-10T00:00:00.000+08:00',
        ':within': '611002100',
      },
      ProjectionExpression: '#p0',
      Limit: 50,
    });
    expect(sent[0]!.input.ExpressionAttributeNames).toMatchObject({ '#p0': 'caseId' });
    expect(sent[1]).toEqual({
      command: 'BatchGetItemCommand',
      input: {
        RequestItems: {
          T: {
            // the case items only, and of them only what the report shows
            Keys: [keys.case('case_1'), keys.case('case_2')],
            ProjectionExpression: '#p0, #p1, #p2, #p3, #p4, #p5, #p6, #p7, #p8, #p9, #p10',
            ExpressionAttributeNames: {
              '#p0': 'pk',
              '#p1': 'sk',
              '#p2': 'caseId',
              '#p3': 'procedure',
              '#p4': 'villageCode',
              '#p5': 'stage',
              '#p6': 'status',
              '#p7': 'updatedAt',
              '#p8': 'stageEnteredAt',
              '#p9': 'openTaskId',
              '#p10': 'error',
            },
          },
        },
        ReturnConsumedCapacity: 'TOTAL',
      },
    });
    // case_2 entered its stage after the bound: not stuck
    expect(page.items.map((c) => c.caseId)).toEqual(['case_1']);
  });
});

describe('measure.ts', () => {
  const measure = (measureId: string, status: MeasureItem['status']): MeasureItem => ({
    measureId,
    caseId: 'case_1',
    villageCode: '611002100201',
    type: 'industry',
    description: '养殖补贴',
    responsibleCadre: { name: '王干部' },
    plannedAt: '2026-10-01',
    status,
    createdAt: AT,
    createdBy: filed.applicant,
    updatedAt: AT,
    version: 1,
  });

  it('reads overdue measures from their planned entries (ids only, bound on the planned day), then the measures by key', async () => {
    const { table, sent } = offline((command) =>
      command === 'QueryCommand'
        ? {
            Items: [
              { caseId: 'case_1', measureId: 'm1' },
              { caseId: 'case_1', measureId: 'm2' },
            ],
          }
        : {
            Responses: {
              T: [measureItem(measure('m1', 'planned')), measureItem(measure('m2', 'implemented'))],
            },
          },
    );

    const page = await overdueMeasures(table, '611002', '2026-11-02', '611002100', { limit: 20 });

    expect(sent[0]!.input).toMatchObject({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :before',
      FilterExpression: 'begins_with(#village, :within)',
      ExpressionAttributeValues: {
        ':pk': 'MEASURES#611002',
        ':before': '2026-11-02',
        ':within': '611002100',
      },
      Limit: 20,
    });
    expect(sent[1]).toEqual({
      command: 'BatchGetItemCommand',
      input: {
        ReturnConsumedCapacity: 'TOTAL',
        RequestItems: {
          T: {
            Keys: [
              { pk: 'CASE#case_1', sk: 'MEASURE#m1' },
              { pk: 'CASE#case_1', sk: 'MEASURE#m2' },
            ],
          },
        },
      },
    });
    // implemented since the index was written: no longer overdue
    expect(page.items.map((m) => m.measureId)).toEqual(['m1']);
  });
});

describe('case-transaction.ts', () => {
  it('files a case: the case, its filing item, its first record and one guard per person, each put only if absent', () => {
    const draft: CaseItem = {
      ...filed,
      version: 0,
      auditLength: 0,
      auditHead: GENESIS_HASH,
      guards: undefined,
    };
    delete draft.openTaskId;
    const claims = [household.head.idNumber, household.members[0]!.idNumber].map((idNumber, i) => ({
      idNumber,
      path: i === 0 ? 'household.head.idNumber' : 'household.members[0].idNumber',
    }));

    const { tx, applied } = caseTransaction('T', {
      before: draft,
      audit: { at: AT, actor: filed.applicant, action: 'filed', stage: 'village_review' },
      claimGuards: claims,
    });
    const items = tx.params();

    expect(items.map((i) => Object.keys(i)[0])).toEqual(['Put', 'Put', 'Put', 'Put', 'Put']);
    expect(items[0]!.Put).toMatchObject({
      TableName: 'T',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: 'CASE#case_1',
        sk: '#CASE',
        entity: 'case',
        gsi3pk: 'ACTIVE#611002',
        gsi3sk: `${AT}#case_1`,
        version: 1,
        auditLength: 1,
        guards: claims.map((c) => c.idNumber),
      },
    });
    expect(Object.keys(items[0]!.Put!.Item!).sort()).not.toContain('household');
    expect(items[1]!.Put).toMatchObject({
      TableName: 'T',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: 'CASE#case_1',
        sk: '#FILING',
        entity: 'case filing',
        gsi1pk: 'APPLICANT#u-village',
        gsi1sk: `${AT}#case_1`,
        gsi2pk: 'CASES#611002',
        gsi2sk: `611002100201#${AT}#case_1`,
        household,
        applicant: filed.applicant,
      },
    });
    expect(items[2]!.Put).toEqual({
      TableName: 'T',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: 'CASE#case_1', sk: 'AUDIT#000001', entity: 'audit', ...applied.audit },
    });
    expect(items[3]!.Put).toEqual({
      TableName: 'T',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: `HOUSEHOLD#${idNumberDigest(household.head.idNumber)}`,
        sk: '#OPEN',
        entity: 'guard',
        caseId: 'case_1',
      },
    });
  });

  it('decides a task: the case on its version, the record, the task leaving the inbox for the timing index (on the token it was read with), guards released, a milestone', () => {
    const decidedAt = '2026-11-03T10:00:00.000+08:00';
    const route = { target: 'end', status: 'rejected' } as const;
    const { tx, applied } = caseTransaction('T', {
      before: filed,
      set: { status: 'rejected', route, closedAt: decidedAt },
      remove: ['openTaskId'],
      audit: {
        at: decidedAt,
        actor: filed.applicant,
        action: 'decided',
        stage: 'village_review',
        decision: 'reject',
      },
      updateTask: {
        before: task,
        expect: ['open', 'claimed'],
        set: { status: 'done', decision: 'reject', decidedAt, route },
        indexing: 'done',
        sameToken: true,
      },
      releaseGuards: [household.head.idNumber],
      milestones: [
        {
          caseId: 'case_1',
          procedure: 'identification',
          kind: 'county_decision',
          villageCode: '611002100201',
          startedAt: AT,
          at: decidedAt,
          dueAt: AT,
          decision: 'reject',
        },
      ],
    });
    const [caseUpdate, , taskUpdate, release, milestone] = tx.params();

    expect(caseUpdate!.Update).toEqual({
      TableName: 'T',
      Key: { pk: 'CASE#case_1', sk: '#CASE' },
      UpdateExpression:
        'SET #a0 = :a0, #a1 = :a1, #a2 = :a2, #a3 = :a3, #a4 = :a4, #a5 = :a5, #a6 = :a6, #a7 = :a7, #a8 = :a8 REMOVE #a9, #a10, #a11',
      ConditionExpression: '#ver = :expected',
      ExpressionAttributeNames: {
        '#a0': 'status',
        '#a1': 'updatedAt',
        '#a2': 'version',
        '#a3': 'auditLength',
        '#a4': 'auditHead',
        '#a5': 'route',
        '#a6': 'guards',
        '#a7': 'closedAt',
        // the status moved: the case entered a new stage and status now
        '#a8': 'stageEnteredAt',
        '#a9': 'openTaskId',
        '#a10': 'gsi3pk',
        '#a11': 'gsi3sk',
        '#ver': 'version',
      },
      ExpressionAttributeValues: {
        ':a0': 'rejected',
        ':a1': decidedAt,
        ':a2': 2,
        ':a3': 2,
        ':a4': applied.audit.hash,
        ':a5': route,
        ':a6': [],
        ':a7': decidedAt,
        ':a8': decidedAt,
        ':expected': 1,
      },
    });
    expect(taskUpdate!.Update).toMatchObject({
      Key: { pk: 'TASK#task_1', sk: '#TASK' },
      ConditionExpression: 'attribute_exists(pk) AND #st IN (:expect0, :expect1) AND #token = :token',
      ExpressionAttributeNames: expect.objectContaining({ '#st': 'status', '#token': 'taskToken' }),
      ExpressionAttributeValues: {
        ':expect0': 'open',
        ':expect1': 'claimed',
        ':token': 'tok',
        ':a4': 'TIMING#611002#village_review#2026-11',
        ':a5': `611002100#${decidedAt}#task_1`,
      },
    });
    expect(String(taskUpdate!.Update!.UpdateExpression)).toMatch(/REMOVE #a6, #a7, #a8, #a9$/);
    expect(release!.Delete).toEqual({
      TableName: 'T',
      Key: { pk: `HOUSEHOLD#${idNumberDigest(household.head.idNumber)}`, sk: '#OPEN' },
      ConditionExpression: 'attribute_not_exists(pk) OR caseId = :case',
      ExpressionAttributeValues: { ':case': 'case_1' },
    });
    expect(milestone!.Put).toMatchObject({
      Item: {
        pk: 'CASE#case_1',
        sk: `MILESTONE#county_decision#${decidedAt}`,
        gsi3pk: 'WHOLE#611002#county_decision#2026-11',
        gsi3sk: `611002100#${decidedAt}#case_1`,
        entity: 'milestone',
      },
    });
    expect(milestone!.Put!.ConditionExpression).toBeUndefined();
    expect(applied.case.guards).toEqual([]);
    expect(applied.task?.status).toBe('done');
  });
});

describe('task.ts', () => {
  it('reads an inbox by due date with stage and assignee filtered in the page', async () => {
    const { table, sent } = offline(() => ({ Items: [] }));

    await inbox(
      table,
      'village_reviewer',
      '611002100201',
      { limit: 10 },
      { dueBefore: AT, stage: 'village_review' },
    );

    expect(sent[0]!.input).toEqual({
      TableName: 'T',
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :due',
      FilterExpression: '#stage = :stage',
      ExpressionAttributeNames: { '#stage': 'stage' },
      ExpressionAttributeValues: {
        ':pk': 'INBOX#village_reviewer#611002100201',
        ':due': AT,
        ':stage': 'village_review',
      },
      Limit: 10,
      ReturnConsumedCapacity: 'TOTAL',
    });
  });

  it('reads a county’s overdue open tasks, a township filtered on the village code', async () => {
    const { table, sent } = offline(() => ({ Items: [] }));

    await overdueOpenTasks(
      table,
      '611002',
      AT,
      { township: '611002100', role: 'township_reviewer' },
      { limit: 25 },
    );

    expect(sent[0]!.input).toMatchObject({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :before',
      FilterExpression: '#role = :role AND begins_with(#village, :within)',
      ExpressionAttributeNames: { '#role': 'role', '#village': 'villageCode' },
      ExpressionAttributeValues: {
        ':pk': 'OPENTASKS#611002',
        ':before': AT,
        ':role': 'township_reviewer',
        ':within': '611002100',
      },
    });
  });

  it('reads a task and its case in one consistent BatchGetItem when the task id names its case, in two when not', async () => {
    const named = { ...task, taskId: taskIdOf('task_1', 'case_1') };
    const stored = [taskItem(named), ...caseItems(filed)];
    const { table, sent } = offline((command) =>
      command === 'BatchGetItemCommand' ? { Responses: { T: stored } } : {},
    );

    expect(await getTaskAndCase(table, named.taskId)).toEqual({ task: named, case: filed });
    expect(sent).toEqual([
      {
        command: 'BatchGetItemCommand',
        input: {
          RequestItems: {
            T: {
              Keys: [keys.task(named.taskId), keys.case('case_1'), keys.caseFiling('case_1')],
              ConsistentRead: true,
            },
          },
          ReturnConsumedCapacity: 'TOTAL',
        },
      },
    ]);

    // a task opened before its id named its case: the task by key, then its case
    const before = offline((command) =>
      command === 'GetItemCommand' ? { Item: taskItem(task) } : { Items: caseItems(filed) },
    );
    expect(await getTaskAndCase(before.table, 'task_1')).toEqual({ task, case: filed });
    expect(before.sent.map((r) => [r.command, r.input.Key ?? r.input.ExpressionAttributeValues])).toEqual([
      ['GetItemCommand', keys.task('task_1')],
      ['QueryCommand', { ':pk': 'CASE#case_1', ':case': '#CASE', ':filing': '#FILING' }],
    ]);
  });

  it('binds a token only while the task is undecided', async () => {
    const { table, sent } = offline();

    expect(await bindTaskToken(table, 'task_1', 'tok')).toBe(true);

    expect(sent[0]!.input).toMatchObject({
      Key: { pk: 'TASK#task_1', sk: '#TASK' },
      UpdateExpression: 'SET #a0 = :a0',
      ConditionExpression: 'attribute_exists(pk) AND #status <> :done',
      ExpressionAttributeNames: { '#a0': 'taskToken', '#status': 'status' },
      ExpressionAttributeValues: { ':a0': 'tok', ':done': 'done' },
    });
  });
});

describe('the other entities', () => {
  it('objection.ts: the open objections of a case, consistently', async () => {
    const { table, sent } = offline(() => ({ Items: [] }));
    await openObjections(table, 'case_1');
    expect(sent[0]!.input).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: '#status = :open',
      ExpressionAttributeValues: { ':pk': 'CASE#case_1', ':prefix': 'OBJECTION#', ':open': 'open' },
      ConsistentRead: true,
    });
  });

  it('milestone.ts: one township of a whole-case partition, only the fields the report reads', async () => {
    const { table, sent } = offline(() => ({ Items: [] }));
    await milestoneRecords(table, 'identification', '611002', 'enrolled', '2026-11', '611002100');
    expect(sent[0]!.input).toMatchObject({
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk AND begins_with(gsi3sk, :township)',
      ExpressionAttributeValues: { ':pk': 'WHOLE#611002#enrolled#2026-11', ':township': '611002100#' },
      ProjectionExpression: '#t0, #t1, #t2, #t3, #t4, #t5, #t6, #t7',
    });
  });

  it('policy.ts: a new version and the current copy in one transaction on the previous version', async () => {
    const { table, sent } = offline();
    const record = { ...defaultPolicy('611002'), version: 3, changedBy: filed.applicant, changedAt: AT };

    await putPolicy(table, record);
    await policyHistory(table, '611002', { limit: 5 });

    const [current, version] = sent[0]!.input.TransactItems as { Put: Record<string, unknown> }[];
    expect(current!.Put).toEqual({
      TableName: 'T',
      Item: { pk: 'POLICY#611002', sk: '#CURRENT', entity: 'policy', ...record },
      ConditionExpression: '#ver = :previous',
      ExpressionAttributeNames: { '#ver': 'version' },
      ExpressionAttributeValues: { ':previous': 2 },
    });
    expect(version!.Put).toMatchObject({
      Item: { pk: 'POLICY#611002', sk: 'V#000003', entity: 'policyVersion' },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(sent[1]!.input).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': 'POLICY#611002', ':prefix': 'V#' },
      ScanIndexForward: false,
      Limit: 5,
    });
  });

  it('calendar.ts: the first overrides are put only if none exist', async () => {
    const { table, sent } = offline();
    const item = {
      county: '611002',
      version: 1,
      dates: { '2026-12-31': false },
      changedBy: filed.applicant,
      changedAt: AT,
    };

    await putCalendar(table, item, item);

    const [current] = sent[0]!.input.TransactItems as { Put: Record<string, unknown> }[];
    expect(current!.Put).toMatchObject({
      Item: { pk: 'CALENDAR#611002', sk: '#OVERRIDES', entity: 'calendar' },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('calendar.ts: the overrides are read once a minute a county and function, and again after a change or a failed read', async () => {
    const overrides = { county: '611002', version: 1, dates: {}, changedBy: filed.applicant, changedAt: AT };
    let fail = false;
    const { table, sent } = offline((command) => {
      if (fail) throw new Error('throttled');
      return command === 'GetItemCommand' ? { Item: { ...overrides, dates: { '2026-12-31': false } } } : {};
    });
    const now = vi.spyOn(performance, 'now').mockReturnValue(1_000);
    const gets = () => sent.filter((s) => s.command === 'GetItemCommand').map((s) => s.input.Key);
    try {
      expect(await getCalendarOverrides(table, '611002')).toEqual({ '2026-12-31': false });
      await getCalendarOverrides(table, '611002');
      await getCalendarOverrides(table, '611003');
      expect(gets()).toEqual([keys.calendar('611002'), keys.calendar('611003')]);

      now.mockReturnValue(1_000 + CALENDAR_CACHE_MS);
      await getCalendarOverrides(table, '611002');
      expect(gets()).toHaveLength(3);

      await putCalendar(table, overrides, overrides);
      await getCalendarOverrides(table, '611002');
      expect(gets()).toHaveLength(4);

      now.mockReturnValue(1_000 + 3 * CALENDAR_CACHE_MS);
      fail = true;
      await expect(getCalendarOverrides(table, '611002')).rejects.toThrow('throttled');
      fail = false;
      await getCalendarOverrides(table, '611002');
      expect(gets()).toHaveLength(6);
      // each handler module keeps its own, as its own Lambda would; a change drops every one of them
      await asHandler('functions/steps/a.ts', () => getCalendarOverrides(table, '611002'));
      await asHandler('functions/steps/a.ts', () => getCalendarOverrides(table, '611002'));
      expect(gets()).toHaveLength(7);
      await putCalendar(table, overrides, overrides);
      await asHandler('functions/steps/a.ts', () => getCalendarOverrides(table, '611002'));
      expect(gets()).toHaveLength(8);
      // another table (another store) reads for itself
      const other = offline(() => ({ Item: overrides }));
      expect(await getCalendarOverrides(other.table, '611002')).toEqual({});
      expect(other.sent).toHaveLength(1);
    } finally {
      now.mockRestore();
    }
  });

  it('staff.ts: an entry is put only when new or changed', async () => {
    const { table, sent } = offline();
    await putStaff(table, { sub: 's1', name: '王', role: 'township_reviewer', jurisdiction: '611002100' });
    expect(sent[0]!.input).toMatchObject({
      Item: {
        pk: 'STAFF#s1',
        sk: '#STAFF',
        gsi1pk: 'STAFF#township_reviewer#611002100',
        gsi1sk: 's1',
        entity: 'staff',
      },
      ConditionExpression: 'attribute_not_exists(pk) OR #name <> :name OR #role <> :role OR #j <> :j',
    });
  });

  it('access-log.ts: a county’s window newest first, an actor by sub or username', async () => {
    const { table, sent } = offline(() => ({ Items: [] }));
    await accessLog(table, '611002', { from: 'a', to: 'b' }, 'auditor', { limit: 100 });
    expect(sent[0]!.input).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      FilterExpression: '#actor.#sub = :actor OR #actor.#username = :actor',
      ExpressionAttributeValues: { ':pk': 'ACCESS#611002', ':from': 'a', ':to': 'b', ':actor': 'auditor' },
      ScanIndexForward: false,
    });
  });

  it('samples.ts: one township reads the marker, then its own item; none without a marker', async () => {
    const { table, sent } = offline((_c, input) =>
      (input.Key as { sk: string }).sk === '#STORED'
        ? { Item: { townships: ['611002100'], storedAt: AT } }
        : {},
    );

    expect(await storedSamples(table, 'TIMING#611002#village_review#2026-10', '611002100')).toBeUndefined();

    expect(sent.map((s) => s.input.Key)).toEqual([
      { pk: 'SAMPLES#TIMING#611002#village_review#2026-10', sk: '#STORED' },
      { pk: 'SAMPLES#TIMING#611002#village_review#2026-10', sk: 'T#611002100' },
    ]);
  });
});
