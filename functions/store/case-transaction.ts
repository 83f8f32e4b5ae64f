/**
 * The case transaction: one step that moves a case writes the case's new state, its audit record and whatever
 * the step opens, changes or settles (task, objections, guards, milestones) in ONE TransactWriteItems that holds
 * only if the case still has the version it was read at. Each entity module contributes its own item; this
 * module composes them and turns a cancellation into the 409 that names what was in the way.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { AuditRecord } from '../../schemas/records.ts';
import { seal } from '../core/audit-chain.ts';
import { conflict } from '../core/errors.ts';
import { type AuditEntry, putAuditItem } from './audit.ts';
import { type CaseItem, heldGuards, putCaseItems, updateCaseItems } from './case.ts';
import {
  claimGuardItem,
  type GuardClaim,
  GuardConflict,
  guardHolder,
  putPersonHouseholdItem,
  releaseGuardItem,
} from './guard.ts';
import { type MeasureItem, putMeasureItem, updateMeasureItem } from './measure.ts';
import { type MilestoneItem, putMilestoneItem } from './milestone.ts';
import {
  type ObjectionItem,
  type ObjectionResolution,
  putObjectionItem,
  resolveObjectionItem,
} from './objection.ts';
import type { Table, TransactItem } from './table.ts';
import { getTask, putTaskItem, type TaskItem, type TaskUpdate, taskAfter, updateTaskItem } from './task.ts';

/**
 * One step that moves a case, as the services compose it: the case's new fields, its audit record, and the
 * task, objections, guards and milestones the step touches.
 */
export interface CaseChange {
  before: CaseItem;
  set?: Partial<CaseItem>;
  remove?: (keyof CaseItem)[];
  audit: AuditEntry;
  /** a second record the same step writes right after the first (a decision that starts publicity) */
  followUp?: AuditEntry;
  putTask?: TaskItem;
  updateTask?: TaskUpdate;
  /** an objection raised during publicity, stored in the case's partition */
  putObjection?: ObjectionItem;
  /** open objections a decision settles: each must still be open, and becomes `status` */
  resolveObjections?: { items: ObjectionItem[]; set: ObjectionResolution };
  /**
   * People the case takes on (filing, a supplement adding members, a re-examination): each ID number's guard must
   * be free, or the whole change is a 409 naming `path`, the field that lists the person.
   */
  claimGuards?: GuardClaim[];
  /** ID numbers whose guard the case gives up (it ended, or a supplement dropped them): each must be its own */
  releaseGuards?: string[];
  /** whole-case milestones the step reaches (county decision, enrolment), each a new item */
  milestones?: MilestoneItem[];
  /** an assistance measure added to the case */
  putMeasure?: MeasureItem;
  /** a measure changed: it must still have the version `before` was read at */
  updateMeasure?: { before: MeasureItem; after: MeasureItem };
  /** ID numbers whose household link the case records (its `householdId`): filing */
  linkPeople?: string[];
  /**
   * The enrolled case a risk-elimination proposal belongs to, moved in the same transaction on its own version
   * and chain: a proposal filed, ended, or ending the enrolled case's monitoring (its guards released).
   */
  enrolledCase?: LinkedChange;
}

/** The enrolled case's part of a proposal's change: its fields, its audit record, the guards it gives up. */
export type LinkedChange = Pick<CaseChange, 'before' | 'set' | 'remove' | 'audit' | 'releaseGuards'>;

/** What a committed change wrote: the case as it now stands, its sealed record, and the task it touched. */
export interface AppliedChange {
  case: CaseItem;
  audit: AuditRecord;
  task?: TaskItem;
}

/** The case's guards after a change: what it held, less what it releases, plus what it claims. */
export function guardsAfter(change: Pick<CaseChange, 'before' | 'claimGuards' | 'releaseGuards'>): string[] {
  const released = new Set(change.releaseGuards ?? []);
  const held = change.before.version === 0 ? [] : heldGuards(change.before);
  return [
    ...new Set([
      ...held.filter((id) => !released.has(id)),
      ...(change.claimGuards ?? []).map((g) => g.idNumber),
    ]),
  ];
}

/** Which part of the change an item is, so a cancellation reason can be named. */
type Part =
  | 'case'
  | 'audit'
  | 'task'
  /** a task change that resumes its workflow with the token it read (`TaskUpdate.sameToken`) */
  | { resumes: TaskUpdate }
  | 'objection'
  | { guard: GuardClaim }
  | 'release'
  | 'milestone'
  | 'measure'
  | 'link'
  | 'enrolled';

/** A case transaction being built: items in order, each with the part of the change it is. */
export class CaseTransaction {
  private readonly items: TransactItem[] = [];
  private readonly parts: Part[] = [];

  constructor(readonly caseId: string) {}

  add(part: Part, item: TransactItem): this {
    this.items.push(item);
    this.parts.push(part);
    return this;
  }

  /** The TransactItems as they will be sent. */
  params(): TransactItem[] {
    return [...this.items];
  }

  /** Sends the transaction: all or nothing, a cancellation turned into the 409 that names what was in the way. */
  async commit(table: Table): Promise<void> {
    try {
      await table.transact(this.items);
    } catch (e) {
      throw await this.explain(table, e);
    }
  }

  private async explain(table: Table, e: unknown): Promise<unknown> {
    if (!(e instanceof TransactionCanceledException)) {
      if ((e as Error).name === 'TransactionConflictException') {
        return conflict('the case is being changed by another request; reload and try again');
      }
      return e;
    }
    const reasons = e.CancellationReasons ?? [];
    const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
    let part = failed >= 0 ? this.parts[failed] : undefined;
    if (typeof part === 'object' && 'guard' in part) {
      return new GuardConflict(part.guard.path, await guardHolder(table, part.guard.idNumber));
    }
    // Still in an expected status, the task had another token bound since it was read: read it again and retry.
    if (typeof part === 'object') {
      const { before, expect } = part.resumes;
      const now = await getTask(table, before.taskId);
      if (now && expect.includes(now.status) && now.taskToken !== before.taskToken) {
        return conflict('the task’s workflow moved on since it was read; try again', [
          { path: 'task', rule: 'version' },
        ]);
      }
      part = 'task';
    }
    // Only a guard another case holds fails a release: the guards are out of step, which no retry mends.
    if (part === 'release') {
      return conflict('a person of this case is held by another open case; the guards need repair', [
        { path: 'case.guards', rule: 'guard_owner' },
      ]);
    }
    if (part === 'task')
      return conflict('the task is no longer open for this action', [{ path: 'task', rule: 'task_state' }]);
    if (part === 'objection')
      return conflict('an objection changed meanwhile; reload and try again', [
        { path: 'objection', rule: 'objection_state' },
      ]);
    if (part === 'measure') {
      return conflict('the measure changed since it was read; reload and try again', [
        { path: 'expectedVersion', rule: 'measure_version' },
      ]);
    }
    if (part === 'enrolled') {
      return conflict('the enrolled case changed since it was read; reload and try again', [
        { path: 'enrolledCaseId', rule: 'version' },
      ]);
    }
    if (part === 'case') {
      return conflict('the case changed since it was read; reload and try again', [
        { path: 'case', rule: 'version' },
      ]);
    }
    if (reasons.some((r) => r.Code === 'TransactionConflict')) {
      return conflict('the case is being changed by another request; reload and try again');
    }
    return new Error(
      `transaction on case ${this.caseId} cancelled: ${reasons.map((r) => r.Code).join(',')}`,
      { cause: e },
    );
  }
}

/**
 * The case after `change` with its sealed audit record (and follow-up): the next version, progress time and chain
 * head, and the time it entered its stage when the change moves its stage or status.
 */
export function caseAfter(change: Omit<CaseChange, 'enrolledCase'>): {
  after: CaseItem;
  audit: AuditRecord;
  followUp?: AuditRecord;
} {
  const { before } = change;
  const first = seal(before.auditHead, {
    ...change.audit,
    caseId: before.caseId,
    seq: before.auditLength + 1,
  });
  const followUp = change.followUp
    ? seal(first.hash, { ...change.followUp, caseId: before.caseId, seq: first.seq + 1 })
    : undefined;
  const last = followUp ?? first;
  const movesGuards = change.claimGuards !== undefined || change.releaseGuards !== undefined;
  const moved = { ...before, ...change.set };
  const entersStage = before.version === 0 || moved.stage !== before.stage || moved.status !== before.status;
  const after: CaseItem = {
    ...moved,
    ...(movesGuards ? { guards: guardsAfter(change) } : {}),
    version: before.version + 1,
    updatedAt: last.at,
    ...(entersStage ? { stageEnteredAt: last.at } : {}),
    auditLength: last.seq,
    auditHead: last.hash,
  };
  for (const k of change.remove ?? []) delete after[k];
  return { after, audit: first, ...(followUp ? { followUp } : {}) };
}

/** The transaction of `change`, built from each entity's own item, and what it will have written. */
export function caseTransaction(
  tableName: string,
  change: CaseChange,
): { tx: CaseTransaction; applied: AppliedChange } {
  const { before } = change;
  const { after, audit, followUp } = caseAfter(change);
  const tx = new CaseTransaction(before.caseId);
  for (const item of before.version === 0
    ? putCaseItems(tableName, after)
    : caseUpdate(tableName, change, after)) {
    tx.add('case', item);
  }
  tx.add('audit', putAuditItem(tableName, audit));
  if (followUp) tx.add('audit', putAuditItem(tableName, followUp));
  let task: TaskItem | undefined;
  if (change.putTask) {
    task = change.putTask;
    tx.add('task', putTaskItem(tableName, task));
  }
  if (change.updateTask) {
    task = taskAfter(change.updateTask);
    const u = change.updateTask;
    tx.add(u.sameToken ? { resumes: u } : 'task', updateTaskItem(tableName, u));
  }
  if (change.putObjection) tx.add('objection', putObjectionItem(tableName, change.putObjection));
  for (const o of change.resolveObjections?.items ?? []) {
    tx.add('objection', resolveObjectionItem(tableName, o, change.resolveObjections!.set));
  }
  for (const claim of change.claimGuards ?? []) {
    tx.add({ guard: claim }, claimGuardItem(tableName, claim.idNumber, before.caseId));
  }
  for (const id of change.releaseGuards ?? [])
    tx.add('release', releaseGuardItem(tableName, id, before.caseId));
  for (const m of change.milestones ?? []) tx.add('milestone', putMilestoneItem(tableName, m));
  if (change.putMeasure) tx.add('measure', putMeasureItem(tableName, change.putMeasure));
  if (change.updateMeasure) {
    tx.add('measure', updateMeasureItem(tableName, change.updateMeasure.before, change.updateMeasure.after));
  }
  if (change.enrolledCase) addLinkedChange(tx, tableName, change.enrolledCase);
  for (const id of change.linkPeople ?? []) {
    tx.add(
      'link',
      putPersonHouseholdItem(tableName, id, {
        householdId: after.householdId ?? after.caseId,
        caseId: after.caseId,
      }),
    );
  }
  return { tx, applied: { case: after, audit, task } };
}

/** The updates moving an existing case to `after`: the fields the change sets (its guards when it moves them). */
function caseUpdate(
  tableName: string,
  change: Pick<CaseChange, 'before' | 'set' | 'remove' | 'claimGuards' | 'releaseGuards'>,
  after: CaseItem,
): TransactItem[] {
  const movesGuards = change.claimGuards !== undefined || change.releaseGuards !== undefined;
  return updateCaseItems(tableName, change.before, after, {
    set: [...Object.keys(change.set ?? {}), ...(movesGuards ? ['guards'] : [])],
    remove: (change.remove as string[] | undefined) ?? [],
  });
}

/** The enrolled case's update, its audit record and the guards it releases, in the proposal's transaction. */
function addLinkedChange(tx: CaseTransaction, tableName: string, linked: LinkedChange): void {
  const { after, audit } = caseAfter(linked);
  for (const item of caseUpdate(tableName, linked, after)) tx.add('enrolled', item);
  tx.add('audit', putAuditItem(tableName, audit));
  for (const id of linked.releaseGuards ?? []) {
    tx.add('release', releaseGuardItem(tableName, id, linked.before.caseId));
  }
}

/**
 * Applies a CaseChange atomically. A stale case version, a task no longer in an expected status, or an ID
 * number that already holds an open case fails the whole transaction with a 409 and writes nothing.
 */
export async function applyCaseChange(table: Table, change: CaseChange): Promise<AppliedChange> {
  const { tx, applied } = caseTransaction(table.name, change);
  await tx.commit(table);
  return applied;
}
