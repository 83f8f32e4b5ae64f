/**
 * The API's views of stored items: what a caller may see of a case, task, objection or audit record. ID numbers
 * masked, phones, tokens and internals left out (docs/domain.md §10).
 */
import type { Household } from '../../schemas/application.ts';
import type { ObjectionView } from '../../schemas/objection.ts';
import type { AuditRecord, CaseErrorView, CaseView, TaskView } from '../../schemas/records.ts';
import { maskId } from '../../schemas/resident-id.ts';
import { messageOf, plainCause } from '../core/failure.ts';
import { maskDeep, maskPersonalData } from '../core/masking.ts';
import { aboveMonitoringLine } from '../core/policy.ts';
import { localYear } from '../core/time.ts';
import type { CaseErrorItem, CaseItem } from '../store/case.ts';
import type { ObjectionItem } from '../store/objection.ts';
import type { TaskItem } from '../store/task.ts';

/** The API view of an objection: the objector's name only, personal data in the text masked. */
export function objectionView(o: ObjectionItem): ObjectionView {
  return {
    objectionId: o.objectionId,
    caseId: o.caseId,
    status: o.status,
    objectorName: maskPersonalData(o.objector.name),
    content: maskPersonalData(o.content),
    filedAt: o.filedAt,
    filedBy: o.filedBy,
    ...(o.resolvedAt ? { resolvedAt: o.resolvedAt } : {}),
  };
}

/** A household as every view shows it: no phone, ID numbers masked, every free text masked (core/masking). */
export function maskHousehold(h: Household): Record<string, unknown> {
  const { phone: _phone, ...head } = h.head;
  return maskDeep({
    ...h,
    head: { ...head, idNumber: maskId(h.head.idNumber) },
    members: h.members.map((m) => ({ ...m, idNumber: maskId(m.idNumber) })),
  });
}

/** Why a case is in error, as a view shows it: the cause only when `withCause` (admins and auditors). */
export function caseErrorView(e: CaseErrorItem, withCause: boolean): CaseErrorView {
  const code = e.code ?? 'step_failed';
  return {
    code,
    message: e.message ?? messageOf(code),
    at: e.at,
    // an old record's cause is raw: plainCause again takes any trace and path out of it
    ...(withCause && e.cause ? { cause: e.code ? e.cause : plainCause(undefined, e.cause) } : {}),
  };
}

/**
 * An audit record as the timeline and the trail show it: comment and data masked (core/masking). An `error`
 * record reads as its code's plain message (an old one held the raw cause). The chain is checked on the stored
 * records, never on these.
 */
export function auditView(r: AuditRecord): AuditRecord {
  const masked = {
    ...r,
    ...(r.comment !== undefined ? { comment: maskPersonalData(r.comment) } : {}),
    ...(r.data ? { data: maskDeep(r.data) } : {}),
  };
  return r.action === 'error' ? { ...masked, comment: messageOf(r.data?.code) } : masked;
}

/**
 * The API view of a case: IDs masked, phone, tokens and internals left out; an error's cause only with
 * `withCause` (core/failure CAUSE_READERS).
 */
export function caseView(c: CaseItem, withCause = false): CaseView {
  const above = aboveLineOf(c);
  return {
    caseId: c.caseId,
    procedure: c.procedure,
    status: c.status,
    stage: c.stage,
    villageCode: c.villageCode,
    household: maskHousehold(c.household),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    version: c.version,
    policyVersion: c.policy.version,
    stageOrder: c.policy.order,
    ...(c.openTaskId ? { openTaskId: c.openTaskId } : {}),
    ...(c.publicityEndsAt ? { publicityEndsAt: c.publicityEndsAt } : {}),
    ...(c.error ? { error: caseErrorView(c.error, withCause) } : {}),
    ...(c.reexaminationRequestedAt ? { reexaminationRequestedAt: c.reexaminationRequestedAt } : {}),
    ...(above ? { aboveMonitoringLine: above } : {}),
  };
}

/** The monitoring line the case's income lies above, in the year it was filed (core/policy.ts). */
export const aboveLineOf = (c: Pick<CaseItem, 'policy' | 'household' | 'createdAt'>) =>
  aboveMonitoringLine(c.policy, c.household.annualNetIncomePerCapita, localYear(c.createdAt));

/** The API view of a task: never its token; overdue once past due while undecided. */
export function taskView(t: TaskItem, nowIso: string): TaskView {
  return {
    taskId: t.taskId,
    caseId: t.caseId,
    stage: t.stage,
    role: t.role,
    jurisdiction: t.jurisdiction,
    villageCode: t.villageCode,
    status: t.status,
    openedAt: t.openedAt,
    dueAt: t.dueAt,
    overdue: t.overdue || (t.status !== 'done' && t.dueAt < nowIso),
    ...(t.headName ? { headName: t.headName } : {}),
    ...(t.assignee ? { assignee: t.assignee } : {}),
    ...(t.assigneeName ? { assigneeName: t.assigneeName } : {}),
    ...(t.claimedAt ? { claimedAt: t.claimedAt } : {}),
    ...(t.decidedAt ? { decidedAt: t.decidedAt } : {}),
    ...(t.decision ? { decision: t.decision } : {}),
  };
}
