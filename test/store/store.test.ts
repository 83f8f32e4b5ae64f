import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, verifyChain } from '../../functions/core/audit-chain.ts';
import { DomainError } from '../../functions/core/errors.ts';
import { defaultPolicy } from '../../functions/core/policy.ts';
import { consumed } from '../../functions/store/capacity.ts';
import { type CaseItem, heldGuards } from '../../functions/store/case.ts';
import { GuardConflict } from '../../functions/store/guard.ts';
import { INDEXES, indexKeys, keys } from '../../functions/store/keys.ts';
import { Store } from '../../functions/store/store.ts';
import type { TaskItem } from '../../functions/store/task.ts';
import type { Household } from '../../schemas/application.ts';
import { freshTable } from '../support/ddb.ts';
import { validHousehold } from '../support/fixtures.ts';

const actor = { sub: 'u-village', name: '村干部', role: 'village_reviewer' as const };
let store: Store;
let n = 0;

function draft(household: Household = validHousehold(n++)): CaseItem {
  const at = '2026-11-02T09:00:00.000+08:00';
  return {
    caseId: `case_${n}_${Math.random().toString(36).slice(2)}`,
    procedure: 'identification',
    status: 'open',
    stage: 'village_review',
    villageCode: household.villageCode,
    household,
    applicant: actor,
    createdAt: at,
    updatedAt: at,
    version: 0,
    policy: defaultPolicy('611002'),
    auditLength: 0,
    auditHead: GENESIS_HASH,
    route: { target: 'village_review' },
  };
}

function task(c: CaseItem, over: Partial<TaskItem> = {}): TaskItem {
  return {
    taskId: `task_${c.caseId}`,
    caseId: c.caseId,
    procedure: c.procedure,
    stage: 'village_review',
    role: 'village_reviewer',
    jurisdiction: c.villageCode,
    villageCode: c.villageCode,
    status: 'open',
    openedAt: '2026-11-02T09:00:01.000+08:00',
    dueAt: '2026-11-05T24:00:00.000+08:00',
    escalateAt: '2026-11-05T24:00:00.000+08:00',
    escalations: 0,
    overdue: false,
    ...over,
  };
}

/** Each person of the household claimed under the field that lists them. */
const claimsOf = (h: Household) => [
  { idNumber: h.head.idNumber, path: 'household.head.idNumber' },
  ...h.members.map((m, i) => ({ idNumber: m.idNumber, path: `household.members[${i}].idNumber` })),
];

const file = (c: CaseItem) =>
  store.apply({
    before: c,
    audit: { at: c.createdAt, actor, action: 'filed' },
    claimGuards: claimsOf(c.household),
  });

async function conflictOf(p: Promise<unknown>): Promise<DomainError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DomainError);
  expect((e as DomainError).code).toBe('conflict');
  return e as DomainError;
}

beforeAll(async () => {
  const t = await freshTable('store');
  store = new Store(t.doc, t.tableName);
});

describe('Store.apply', () => {
  it('files a case with its first audit record and reads both back in one query', async () => {
    const c = draft();
    const { case: filed, audit } = await file(c);

    const { case: read, trail } = await store.getCaseWithTrail(c.caseId);

    expect(filed.version).toBe(1);
    expect(read).toEqual(filed);
    expect(trail).toEqual([audit]);
    expect(verifyChain(trail, { length: read!.auditLength, head: read!.auditHead }).valid).toBe(true);
  });

  it('keeps the default policy as a reference, not a copy, and reads it back whole', async () => {
    const c = draft();
    await file(c);

    // the policy is a filing field: on the filing item, which no step rewrites
    const raw = await store.doc.send(
      new GetCommand({ TableName: store.tableName, Key: keys.caseFiling(c.caseId) }),
    );

    expect(raw.Item?.policy).toBeUndefined();
    expect(raw.Item?.policyRef).toEqual({ county: '611002', version: 0 });
    expect((await store.getCase(c.caseId))?.policy).toEqual(defaultPolicy('611002'));
  });

  it('reads a case stored before: its policy and household copied on the item, as they were', async () => {
    const c = { ...draft(), version: 1, policy: { ...defaultPolicy('611002'), version: 3 } };
    await store.doc.send(
      new PutCommand({
        TableName: store.tableName,
        Item: { ...keys.case(c.caseId), ...c, policy: { ...c.policy } },
      }),
    );

    expect(await store.getCase(c.caseId)).toEqual(c);
  });

  it('moves a case stored before the filing item onto one when a filing field changes; its lists still find it once', async () => {
    // Arrange: a case as stored before: its household, applicant and policy, and its list entries, on the case item
    const c = { ...draft(), version: 1, householdId: `hh_${n}` };
    const legacy = {
      ...keys.case(c.caseId),
      ...indexKeys.caseOfApplicant(c.applicant.sub, c.createdAt, c.caseId),
      ...indexKeys.caseInCounty(c.villageCode, c.createdAt, c.caseId),
      ...indexKeys.householdCase(c.householdId, c.createdAt, c.caseId),
      ...indexKeys.activeCase(c.villageCode, c.createdAt, c.caseId),
      entity: 'case',
      ...c,
    };
    await store.doc.send(new PutCommand({ TableName: store.tableName, Item: legacy }));
    const stored = (await store.getCase(c.caseId))!;
    expect(stored).toEqual(c);
    const household = { ...c.household, head: { ...c.household.head, name: '王改名' } };

    // Act
    const { case: after } = await store.apply({
      before: stored,
      set: { household },
      audit: { at: c.createdAt, actor, action: 'supplemented' },
    });

    // Assert: the filing fields and the list keys moved to the filing item, nothing was lost or doubled
    const raw = async (key: Record<string, string>) =>
      (await store.doc.send(new GetCommand({ TableName: store.tableName, Key: key }))).Item!;
    const caseItem = await raw(keys.case(c.caseId));
    const filing = await raw(keys.caseFiling(c.caseId));
    for (const k of ['household', 'applicant', 'policy', 'householdId', 'gsi1pk', 'gsi2pk', 'gsi4pk']) {
      expect(caseItem, k).not.toHaveProperty(k);
    }
    expect(caseItem).toMatchObject({ gsi3pk: 'ACTIVE#611002', version: 2 });
    expect(filing).toMatchObject({
      household,
      applicant: actor,
      gsi1pk: legacy.gsi1pk,
      gsi4pk: legacy.gsi4pk,
    });
    expect(await store.getCase(c.caseId)).toEqual(after);
    expect(after.household.head.name).toBe('王改名');
    expect((await store.householdCases(c.householdId)).map((h) => h.caseId)).toEqual([c.caseId]);
    const listed = await store.casesOfApplicant(actor.sub, { status: 'open' }, { limit: 100 });
    expect(listed.items.filter((l) => l.caseId === c.caseId)).toEqual([after]);
  });

  it('refuses a second open case for any person of the household, naming their field but not the open case', async () => {
    const first = draft();
    await file(first);
    const second = draft({ ...validHousehold(n++), members: [{ ...first.household.members[0]! }] });

    const e = await conflictOf(file(second));

    // only the service, which knows who asks, may name the open case (GuardConflict.naming)
    expect(e).toBeInstanceOf(GuardConflict);
    expect((e as GuardConflict).holder).toBe(first.caseId);
    expect(JSON.stringify({ message: e.message, details: e.details })).not.toContain(first.caseId);
    expect(e.details).toEqual([
      { path: 'household.members[0].idNumber', rule: 'one_open_case', message: 'open case exists' },
    ]);
    expect(await store.getCase(second.caseId)).toBeUndefined();
    const { trail } = await store.getCaseWithTrail(second.caseId);
    expect(trail).toEqual([]);
  });

  it('refuses a duplicated transition (same version read twice): the second writes nothing', async () => {
    const { case: filed } = await file(draft());
    const step = {
      before: filed,
      set: { stage: 'township_verification' as const },
      audit: { at: filed.createdAt, actor, action: 'moved' },
    };

    await store.apply(step);
    const e = await conflictOf(store.apply(step));

    expect(e.details).toEqual([{ path: 'case', rule: 'version' }]);
    const { case: read, trail } = await store.getCaseWithTrail(filed.caseId);
    expect(read!.version).toBe(2);
    expect(trail.map((r) => r.action)).toEqual(['filed', 'moved']);
  });

  it('opens a task into the sparse inbox and moves it to the timing index when done', async () => {
    const { case: filed } = await file(draft());
    const t = task(filed);
    const { case: withTask } = await store.apply({
      before: filed,
      set: { openTaskId: t.taskId },
      audit: { at: t.openedAt, actor, action: 'task_opened' },
      putTask: t,
    });
    const inboxBefore = await store.inbox('village_reviewer', filed.villageCode, { limit: 50 });

    await store.apply({
      before: withTask,
      remove: ['openTaskId'],
      audit: { at: '2026-11-03T10:00:00.000+08:00', actor, action: 'decided' },
      updateTask: {
        before: t,
        expect: ['open', 'claimed'],
        set: { status: 'done', decidedAt: '2026-11-03T10:00:00.000+08:00', decision: 'approve' },
        indexing: 'done',
      },
    });

    expect(inboxBefore.items.map((i) => i.taskId)).toContain(t.taskId);
    const inboxAfter = await store.inbox('village_reviewer', filed.villageCode, { limit: 50 });
    expect(inboxAfter.items.map((i) => i.taskId)).not.toContain(t.taskId);
    const timing = await store.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        IndexName: INDEXES.byTiming.name,
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': 'TIMING#611002#village_review#2026-11' },
      }),
    );
    expect(timing.Items?.map((i) => i.taskId)).toContain(t.taskId);
  });

  it('lets exactly one of 20 concurrent decisions on a task apply; the chain stays valid', async () => {
    const { case: filed } = await file(draft());
    const t = task(filed);
    const { case: withTask } = await store.apply({
      before: filed,
      set: { openTaskId: t.taskId },
      audit: { at: t.openedAt, actor, action: 'task_opened' },
      putTask: t,
    });

    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        store.apply({
          before: withTask,
          audit: { at: '2026-11-03T10:00:00.000+08:00', actor, action: 'decided', comment: `reviewer ${i}` },
          updateTask: {
            before: t,
            expect: ['open'],
            set: { status: 'done', decidedAt: '2026-11-03T10:00:00.000+08:00' },
            indexing: 'done',
          },
        }),
      ),
    );

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect((r.reason as DomainError).code).toBe('conflict');
    }
    const { case: read, trail } = await store.getCaseWithTrail(filed.caseId);
    expect(trail.filter((r) => r.action === 'decided')).toHaveLength(1);
    expect(verifyChain(trail, { length: read!.auditLength, head: read!.auditHead }).valid).toBe(true);
  });

  it('keeps audit records append-only: a record at an existing sequence number is refused', async () => {
    const { case: filed, audit } = await file(draft());

    const overwrite = store.doc.send(
      new PutCommand({
        TableName: store.tableName,
        Item: { ...keys.audit(filed.caseId, 1), ...audit, comment: 'rewritten' },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );

    await expect(overwrite).rejects.toThrow(/conditional/i);
    const { trail } = await store.getCaseWithTrail(filed.caseId);
    expect(trail).toEqual([audit]);
  });

  it('reports consumed capacity for every request', async () => {
    const before = { ...consumed };

    await file(draft());

    expect(consumed.writes).toBe(before.writes + 1);
    expect(consumed.writeUnits).toBeGreaterThan(before.writeUnits);
  });
});

describe('person guards', () => {
  /** Which case holds the person's guard, if any. */
  const holderOf = async (idNumber: string) =>
    (
      await store.doc.send(
        new GetCommand({
          TableName: store.tableName,
          Key: keys.householdGuard(idNumber),
          ConsistentRead: true,
        }),
      )
    ).Item?.caseId as string | undefined;

  it('records on the case exactly the guards it holds, and moves claims and releases with its step', async () => {
    // Arrange
    const { case: filed } = await file(draft());
    const [head, member] = [filed.household.head.idNumber, filed.household.members[0]!.idNumber];
    const added = validHousehold(n++).head.idNumber;

    // Act
    const { case: after } = await store.apply({
      before: filed,
      audit: { at: filed.createdAt, actor, action: 'supplemented' },
      claimGuards: [{ idNumber: added, path: 'household.members[0].idNumber' }],
      releaseGuards: [member],
    });

    // Assert
    expect(filed.guards).toEqual([head, member]);
    expect(after.guards).toEqual([head, added]);
    expect((await store.getCase(filed.caseId))!.guards).toEqual([head, added]);
    expect(await holderOf(added)).toBe(filed.caseId);
    expect(await holderOf(member)).toBeUndefined();
    expect(await holderOf(head)).toBe(filed.caseId);
  });

  it('a claim that fails writes nothing: no guard, no release, no case change', async () => {
    const { case: other } = await file(draft());
    const { case: filed } = await file(draft());
    const member = filed.household.members[0]!.idNumber;

    const e = await conflictOf(
      store.apply({
        before: filed,
        audit: { at: filed.createdAt, actor, action: 'supplemented' },
        claimGuards: [{ idNumber: other.household.head.idNumber, path: 'household.members[1].idNumber' }],
        releaseGuards: [member],
      }),
    );

    expect(e.details).toEqual([expect.objectContaining({ path: 'household.members[1].idNumber' })]);
    expect(await holderOf(member)).toBe(filed.caseId);
    expect(await store.getCase(filed.caseId)).toEqual(filed);
  });

  it('a release of a guard another case holds is a 409 naming case.guards, never a 500, and writes nothing', async () => {
    // Arrange: a case stored before guards were recorded, listing a person another case holds
    const { case: holder } = await file(draft());
    const legacy = draft({ ...validHousehold(n++), members: [{ ...holder.household.members[0]! }] });
    await store.apply({
      before: legacy,
      audit: { at: legacy.createdAt, actor, action: 'filed' },
      claimGuards: [{ idNumber: legacy.household.head.idNumber, path: 'household.head.idNumber' }],
    });
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: keys.case(legacy.caseId),
        UpdateExpression: 'REMOVE guards',
      }),
    );
    const stored = (await store.getCase(legacy.caseId))!;

    // Act
    const e = await conflictOf(
      store.apply({
        before: stored,
        set: { status: 'withdrawn' },
        audit: { at: legacy.createdAt, actor, action: 'withdrawn' },
        releaseGuards: heldGuards(stored),
      }),
    );

    // Assert
    expect(heldGuards(stored)).toEqual([
      legacy.household.head.idNumber,
      holder.household.members[0]!.idNumber,
    ]);
    expect(e.details).toEqual([{ path: 'case.guards', rule: 'guard_owner' }]);
    expect(await store.getCase(legacy.caseId)).toEqual(stored);
    expect(await holderOf(legacy.household.head.idNumber)).toBe(legacy.caseId);
    expect(await holderOf(holder.household.members[0]!.idNumber)).toBe(holder.caseId);
  });
});

describe('stored timing samples', () => {
  const sample = (township: string, n: number) => ({
    stage: 'village_review',
    township,
    month: '2026-10',
    breaches: 1,
    // whole seconds (as samplesOf makes them), long ones too, come back exactly
    queueMs: Array.from({ length: n }, (_, i) => i * 3_600_000 + 1000),
    workMs: Array.from({ length: n }, (_, i) => 400 * 86_400_000 + i * 1000),
  });

  it('reads back every township’s samples, or one township’s, exactly as stored', async () => {
    const partition = 'TIMING#611002#village_review#2026-10';
    const samples = [sample('611002100', 3), sample('611002101', 1)];

    const stored = await store.putSamples(partition, samples, '2026-11-25T09:00:00.000+08:00');

    expect(stored).toBe(true);
    const townships = ['611002100', '611002101'];
    expect(await store.storedSamples(partition)).toEqual({ samples, townships });
    expect(await store.storedSamples(partition, '611002101')).toEqual({ samples: [samples[1]], townships });
    expect(await store.storedSamples(partition, '611002109')).toEqual({ samples: [], townships });
  });

  it('keeps an open month’s `through`, and counts only the items of the store its marker names', async () => {
    const [open, mixed] = ['2026-11', '2026-12'].map((m) => `TIMING#611002#village_review#${m}`) as [
      string,
      string,
    ];
    const through = '2026-11-20T08:45:00.000+08:00';
    await store.putSamples(open, [sample('611002100', 2)], '2026-11-20T09:00:00.000+08:00', through);
    await store.putSamples(mixed, [sample('611002100', 2)], '2026-11-20T09:00:00.000+08:00', through);
    // a later store of `mixed` puts its items before its marker: a reader in between sees both stores' items
    await store.putItems([
      {
        ...keys.samples(mixed, '611002100'),
        entity: 'samples',
        ...sample('611002100', 3),
        durations: new Uint8Array(48),
        through: '2026-11-20T09:45:00.000+08:00',
        storeId: 'a-later-store',
      },
    ]);

    expect(await store.storedSamples(open)).toEqual({
      samples: [sample('611002100', 2)],
      townships: ['611002100'],
      through,
    });
    expect(await store.storedSamples(mixed)).toBeUndefined();
    expect(await store.storedSamples(mixed, '611002100')).toBeUndefined();
  });

  it('reads the float64 milliseconds of items stored before the whole-second format', async () => {
    const partition = 'TIMING#611002#village_review#2026-05';
    const durations = new Uint8Array(32);
    const view = new DataView(durations.buffer);
    for (const [i, ms] of [1.5, 3_600_000, 2_000.25, 86_400_000].entries()) view.setFloat64(i * 8, ms, true);
    const { queueMs, workMs, ...rest } = sample('611002100', 0);
    await store.putItems([
      { ...keys.samples(partition, '611002100'), entity: 'samples', ...rest, durations, storeId: 'old' },
      {
        ...keys.samplesStored(partition),
        entity: 'samples',
        townships: ['611002100'],
        storedAt: '2026-06-02T09:00:00.000+08:00',
        storeId: 'old',
      },
    ]);

    expect(await store.storedSamples(partition)).toEqual({
      samples: [{ ...rest, queueMs: [1.5, 2_000.25], workMs: [3_600_000, 86_400_000] }],
      townships: ['611002100'],
    });
  });

  it('tells a partition never stored (undefined) from one stored empty ([])', async () => {
    await store.putSamples('TIMING#611002#county_approval#2026-09', [], '2026-11-25T09:00:00.000+08:00');

    expect(await store.storedSamples('TIMING#611002#county_approval#2026-08')).toBeUndefined();
    expect(await store.storedSamples('TIMING#611002#county_approval#2026-08', '611002100')).toBeUndefined();
    expect(await store.storedSamples('TIMING#611002#county_approval#2026-09')).toEqual({
      samples: [],
      townships: [],
    });
  });

  it('counts no samples until the marker is written after them', async () => {
    const partition = 'TIMING#611002#township_verification#2026-10';
    await store.putItems([
      {
        ...keys.samples(partition, '611002100'),
        entity: 'samples',
        ...sample('611002100', 1),
        durations: new Uint8Array(16),
      },
    ]);

    expect(await store.storedSamples(partition)).toBeUndefined();
    expect(await store.storedSamples(partition, '611002100')).toBeUndefined();
  });

  it('stores nothing when a township’s sample would not fit in one item', async () => {
    const partition = 'TIMING#611002#village_review#2026-07';

    const stored = await store.putSamples(
      partition,
      [sample('611002100', 50_000)],
      '2026-11-25T09:00:00.000+08:00',
    );

    expect(stored).toBe(false);
    const items = await store.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.samplesPartition(partition) },
      }),
    );
    expect(items.Items).toEqual([]);
  });
});
