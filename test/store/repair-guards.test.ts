import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../functions/core/audit-chain.ts';
import { defaultPolicy } from '../../functions/core/policy.ts';
import { repairGuards } from '../../functions/services/repair-guards.ts';
import { type CaseItem, heldGuards, idNumbersOf } from '../../functions/store/case.ts';
import { keys } from '../../functions/store/keys.ts';
import { Store } from '../../functions/store/store.ts';
import type { Household } from '../../schemas/application.ts';
import type { CaseStatus } from '../../schemas/domain.ts';
import { scanGuards } from '../../scripts/guard-scan.ts';
import { freshTable } from '../support/ddb.ts';
import { validHousehold } from '../support/fixtures.ts';

const actor = { sub: 'u-village', name: '村干部', role: 'village_reviewer' as const };
let store: Store;
let n = 0;

beforeEach(async () => {
  const t = await freshTable('repair');
  store = new Store(t.doc, t.tableName);
});

const put = (item: Record<string, unknown>) =>
  store.doc.send(new PutCommand({ TableName: store.tableName, Item: item }));

/**
 * A case as versions before recorded guards stored it (no `guards`), with guard items for `guarded` only: what a
 * supplement that moved no guards, or an end that released the wrong ones, left behind.
 */
async function legacyCase(household: Household, status: CaseStatus, guarded: string[]): Promise<CaseItem> {
  const at = '2026-11-02T09:00:00.000+08:00';
  const c: CaseItem = {
    caseId: `case_legacy_${n++}`,
    procedure: 'identification',
    status,
    stage: 'village_review',
    villageCode: household.villageCode,
    household,
    applicant: actor,
    createdAt: at,
    updatedAt: at,
    version: 3,
    policy: defaultPolicy('611002'),
    auditLength: 0,
    auditHead: GENESIS_HASH,
    route: { target: 'village_review' },
  };
  await put({ ...keys.case(c.caseId), entity: 'case', ...c });
  for (const id of guarded) await put({ ...keys.householdGuard(id), entity: 'guard', caseId: c.caseId });
  return c;
}

const holderOf = async (idNumber: string) =>
  (await store.doc.send(new GetCommand({ TableName: store.tableName, Key: keys.householdGuard(idNumber) })))
    .Item?.caseId as string | undefined;

const person = () => validHousehold(n++).head.idNumber;

describe('repairGuards (npm run repair:guards)', () => {
  it('removes guards of ended or missing cases and of people a case no longer lists; claims and records the rest', async () => {
    // Arrange
    const withdrawn = validHousehold(n++);
    const ended = await legacyCase(withdrawn, 'withdrawn', [
      withdrawn.head.idNumber,
      withdrawn.members[0]!.idNumber,
    ]);
    const orphan = person();
    await put({ ...keys.householdGuard(orphan), entity: 'guard', caseId: 'case_gone' });
    // a live case whose supplement dropped Y (guard kept) and added X (no guard taken)
    const live = validHousehold(n++);
    const [y, x] = [live.members[0]!.idNumber, person()];
    const supplemented = { ...live, members: [{ ...live.members[0]!, idNumber: x }] };
    const c = await legacyCase(supplemented, 'returned', [live.head.idNumber, y]);
    const enrolled = validHousehold(n++);
    const kept = await legacyCase(enrolled, 'enrolled', [
      enrolled.head.idNumber,
      enrolled.members[0]!.idNumber,
    ]);

    // Act
    const report = await repairGuards(store, scanGuards(store.table));

    // Assert
    expect(report).toMatchObject({
      guards: 7,
      released: { case_missing: 1, case_ended: 2, not_listed: 1 },
      claimed: 1,
      recorded: 2,
      shared: [],
      skipped: [],
    });
    for (const id of [withdrawn.head.idNumber, withdrawn.members[0]!.idNumber, orphan, y]) {
      expect(await holderOf(id), id).toBeUndefined();
    }
    expect(await holderOf(x)).toBe(c.caseId);
    expect(await holderOf(live.head.idNumber)).toBe(c.caseId);
    expect((await store.getCase(c.caseId))!.guards).toEqual([live.head.idNumber, x]);
    expect((await store.getCase(kept.caseId))!.guards).toEqual(idNumbersOf(enrolled));
    expect((await store.getCase(ended.caseId))!.guards).toBeUndefined();
  });

  it('reports a person two open cases list instead of guessing; the case then withdraws cleanly', async () => {
    // Arrange: B filed Z while A's supplement had added Z without a guard
    const z = person();
    const b = validHousehold(n++);
    const holder = await legacyCase({ ...b, head: { ...b.head, idNumber: z }, members: [] }, 'open', [z]);
    const h = validHousehold(n++);
    const a = await legacyCase({ ...h, members: [{ ...h.members[0]!, idNumber: z }] }, 'open', [
      h.head.idNumber,
    ]);

    // Act
    const report = await repairGuards(store, scanGuards(store.table));
    const repaired = (await store.getCase(a.caseId))!;
    const withdrawn = await store.apply({
      before: repaired,
      set: { status: 'withdrawn' },
      audit: { at: repaired.updatedAt, actor, action: 'withdrawn' },
      releaseGuards: heldGuards(repaired),
    });

    // Assert
    expect(report.shared).toEqual([{ caseId: a.caseId, heldBy: holder.caseId }]);
    expect(repaired.guards).toEqual([h.head.idNumber]);
    expect(withdrawn.case.guards).toEqual([]);
    expect(await holderOf(z)).toBe(holder.caseId);
    expect(await holderOf(h.head.idNumber)).toBeUndefined();
  });

  it('writes nothing on a dry run, and a second run finds nothing to do', async () => {
    const h = validHousehold(n++);
    await legacyCase(h, 'rejected', [h.head.idNumber]);

    const dry = await repairGuards(store, scanGuards(store.table), { dryRun: true });
    const guardAfterDryRun = await holderOf(h.head.idNumber);
    const first = await repairGuards(store, scanGuards(store.table));
    const second = await repairGuards(store, scanGuards(store.table));

    expect(dry).toMatchObject({ dryRun: true, released: { case_ended: 1 } });
    expect(guardAfterDryRun).toBeDefined();
    expect(first.released.case_ended).toBe(1);
    expect(second).toMatchObject({
      guards: 0,
      released: { case_missing: 0, case_ended: 0, not_listed: 0 },
      claimed: 0,
      recorded: 0,
    });
  });

  it('leaves a case that moved since it was read alone, whole (its version decides)', async () => {
    const h = validHousehold(n++);
    const c = await legacyCase(h, 'withdrawn', [h.head.idNumber]);

    const done = await store.repairGuards(c.caseId, c.version - 1, {
      release: [{ pk: keys.householdGuard(h.head.idNumber).pk, caseId: c.caseId }],
    });

    expect(done).toBe(false);
    expect(await holderOf(h.head.idNumber)).toBe(c.caseId);
    expect((await store.getCase(c.caseId))!.version).toBe(c.version);
  });
});
