/**
 * The person guard entity (access pattern 5): one item per resident ID number with an open case, naming the
 * case, so one person is in at most one open case. Keys hold a digest of the number, never the number.
 */
import { z } from 'zod';
import { DomainError } from '../core/errors.ts';
import { keys } from './keys.ts';
import type { EntitySchema, Item, Table, TransactItem } from './table.ts';

export const GUARD_ENTITY = 'guard';

export const guardItemSchema = z.object({ caseId: z.string() });
export const GUARD: EntitySchema<z.infer<typeof guardItemSchema>> = {
  name: GUARD_ENTITY,
  schema: guardItemSchema,
};

/** A guard item as the repair reads it: its partition key (a digest of the ID number) and the case it names. */
export interface StoredGuard {
  pk: string;
  caseId: string;
}

/** A person a case takes on: their ID number, and the field of the request that lists them. */
export interface GuardClaim {
  idNumber: string;
  path: string;
}

/** The guard item at a guard partition key (as the repair names them), held by `caseId`. */
export const guardItemAt = (pk: string, caseId: string): Item => ({
  ...keys.guardAt(pk),
  entity: GUARD_ENTITY,
  caseId,
});

/** The guard item of a person's ID number, held by `caseId`. */
export const guardItem = (idNumber: string, caseId: string): Item =>
  guardItemAt(keys.householdGuard(idNumber).pk, caseId);

/** The transaction item claiming a guard for `caseId`: it must be free. */
export const claimGuardItem = (tableName: string, idNumber: string, caseId: string): TransactItem => ({
  Put: {
    TableName: tableName,
    Item: guardItem(idNumber, caseId),
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

/** The transaction item releasing a guard: only `caseId`'s own (or one already gone). */
export const releaseGuardItem = (tableName: string, idNumber: string, caseId: string): TransactItem => ({
  Delete: {
    TableName: tableName,
    Key: keys.householdGuard(idNumber),
    ConditionExpression: 'attribute_not_exists(pk) OR caseId = :case',
    ExpressionAttributeValues: { ':case': caseId },
  },
});

/** Which case holds the person's guard, if any. */
export const guardHolder = async (table: Table, idNumber: string): Promise<string | undefined> =>
  (await table.get(GUARD, keys.householdGuard(idNumber)))?.caseId;

/**
 * The 409 of a person who already has an open case. It knows which case (`holder`) but does not say: only the
 * service, which knows who asks, names it to a caller who may read that case (`naming`).
 */
export class GuardConflict extends DomainError {
  constructor(
    readonly path: string,
    readonly holder: string | undefined,
  ) {
    super('conflict', 'this person already has an open case', [
      { path, rule: 'one_open_case', message: 'open case exists' },
    ]);
  }

  /** The same conflict, naming the open case. */
  naming(caseId: string): DomainError {
    return new DomainError('conflict', `this person already has an open case (${caseId})`, [
      { path: this.path, rule: 'one_open_case', message: `open case ${caseId}` },
    ]);
  }
}

/**
 * Repairs one case's guards in one transaction that holds only while the case is still at `version` (or still
 * absent): deletes the guards `release` names while the case still owns them, claims the free guards `claim`
 * names (partition keys), and records `guards` on the case. Answers false when anything moved meanwhile, and
 * then writes nothing.
 */
export async function repairCaseGuards(
  table: Table,
  caseId: string,
  version: number | undefined,
  change: { release: readonly StoredGuard[]; claim?: readonly string[]; guards?: string[] },
): Promise<boolean> {
  const caseKey = keys.case(caseId);
  const items: TransactItem[] = change.release.map((g) => ({
    Delete: {
      TableName: table.name,
      Key: keys.guardAt(g.pk),
      ConditionExpression: 'caseId = :case',
      ExpressionAttributeValues: { ':case': caseId },
    },
  }));
  for (const pk of change.claim ?? []) {
    items.push({
      Put: {
        TableName: table.name,
        Item: guardItemAt(pk, caseId),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  if (version === undefined) {
    items.push({
      ConditionCheck: {
        TableName: table.name,
        Key: caseKey,
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  } else {
    items.push({
      Update: {
        TableName: table.name,
        Key: caseKey,
        UpdateExpression: change.guards ? 'SET #g = :g, #ver = :next' : 'SET #ver = :next',
        ConditionExpression: '#ver = :expected',
        ExpressionAttributeNames: { '#ver': 'version', ...(change.guards ? { '#g': 'guards' } : {}) },
        ExpressionAttributeValues: {
          ':expected': version,
          ':next': version + 1,
          ...(change.guards ? { ':g': change.guards } : {}),
        },
      },
    });
  }
  try {
    await table.transact(items);
    return true;
  } catch (e) {
    if (
      e instanceof Error &&
      (e.name === 'TransactionCanceledException' || e.name === 'TransactionConflictException')
    ) {
      return false;
    }
    throw e;
  }
}

export const PERSON_HOUSEHOLD_ENTITY = 'personHousehold';

/** The household a person was last filed with, and that case: outlives the guard, so re-entry finds it. */
export const personHouseholdSchema = z.object({ householdId: z.string(), caseId: z.string() });
export type PersonHousehold = z.infer<typeof personHouseholdSchema>;
const PERSON_HOUSEHOLD: EntitySchema<PersonHousehold> = {
  name: PERSON_HOUSEHOLD_ENTITY,
  schema: personHouseholdSchema,
};

/** The transaction item recording that a person belongs to `link.householdId` (overwrites the last one). */
export const putPersonHouseholdItem = (
  tableName: string,
  idNumber: string,
  link: PersonHousehold,
): TransactItem => ({
  Put: {
    TableName: tableName,
    Item: { ...keys.personHousehold(idNumber), entity: PERSON_HOUSEHOLD_ENTITY, ...link },
  },
});

/** The household each person was last filed with, in the order given (undefined: never filed). */
export const personHouseholds = (
  table: Table,
  idNumbers: readonly string[],
): Promise<(PersonHousehold | undefined)[]> =>
  Promise.all(idNumbers.map((id) => table.get(PERSON_HOUSEHOLD, keys.personHousehold(id))));
