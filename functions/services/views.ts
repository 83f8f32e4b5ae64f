/**
 * The API's views of stored items: what a caller may see of a case, task, objection or audit record. ID numbers
 * masked, phones, tokens and internals left out (docs/domain.md §10).
 */
import type { Household } from '../../schemas/application.ts';
import type { ContactView, MeasureView } from '../../schemas/measure.ts';
import type { ObjectionView } from '../../schemas/objection.ts';
import type { AuditRecord, CaseErrorView, CaseView, TaskView } from '../../schemas/records.ts';
import { maskId } from '../../schemas/resident-id.ts';
import { messageOf, plainCause } from '../core/failure.ts';
import { maskDeep, maskPersonalData, maskPhone } from '../core/masking.ts';
import { isMeasureOverdue, summaryOf } from '../core/measures.ts';
import { aboveMonitoringLine } from '../core/policy.ts';
import { localDate, localYear, parseIso } from '../core/time.ts';
import type { CaseErrorItem, CaseItem } from '../store/case.ts';
import type { MeasureItem } from '../store/measure.ts';
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

/** How a case view is read: an error's cause (admins, auditors), the county's today, the contact's phone. */
export interface CaseViewOptions {
  withCause?: boolean;
  /** the county's today (YYYY-MM-DD): what overdue measures count against; default the case's last change */
  today?: string;
  /** the contact's phone in full (a case read on its own); lists and exports mask it */
  fullPhone?: boolean;
}

/**
 * The API view of a case: IDs masked, phone, tokens and internals left out; an error's cause only with
 * `withCause` (core/failure CAUSE_READERS).
 */
export function caseView(c: CaseItem, opts: CaseViewOptions = {}): CaseView {
  const above = aboveLineOf(c);
  const today = opts.today ?? localDate(parseIso(c.updatedAt));
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
    ...(c.error ? { error: caseErrorView(c.error, opts.withCause ?? false) } : {}),
    ...(c.reexaminationRequestedAt ? { reexaminationRequestedAt: c.reexaminationRequestedAt } : {}),
    ...(above ? { aboveMonitoringLine: above } : {}),
    ...(c.riskFoundAt ? { riskFoundAt: c.riskFoundAt } : {}),
    ...(c.enrolledAt ? { enrolledAt: c.enrolledAt } : {}),
    ...(c.riskEliminatedAt ? { riskEliminatedAt: c.riskEliminatedAt } : {}),
    ...(c.householdId ? { householdId: c.householdId } : {}),
    ...(c.previousCaseIds?.length ? { previousCaseIds: c.previousCaseIds } : {}),
    ...(c.contact ? { contact: contactView(c.contact, { fullPhone: opts.fullPhone ?? false }) } : {}),
    measuresSummary: summaryOf(c.measurePlan, today),
    ...(c.openProposalId ? { openProposalId: c.openProposalId } : {}),
    ...(c.enrolledCaseId ? { enrolledCaseId: c.enrolledCaseId } : {}),
    ...(c.evidence ? { evidence: { ...c.evidence, narrative: maskPersonalData(c.evidence.narrative) } } : {}),
  };
}

/** The assistance contact as a view shows it: the phone in full only where the case is read on its own. */
export function contactView(c: ContactView, opts: { fullPhone: boolean }): ContactView {
  return opts.fullPhone ? c : { ...c, phone: maskPhone(c.phone) };
}

/**
 * The API view of a measure, overdue on the county's `today`. The responsible cadre's phone is shown: only
 * those who read the case (its staff and the household) read its measures.
 */
export function measureView(m: MeasureItem, today: string): MeasureView {
  return {
    measureId: m.measureId,
    caseId: m.caseId,
    type: m.type,
    description: maskPersonalData(m.description),
    ...(m.targetMember ? { targetMember: m.targetMember } : {}),
    responsibleCadre: m.responsibleCadre,
    plannedAt: m.plannedAt,
    ...(m.implementedAt ? { implementedAt: m.implementedAt } : {}),
    ...(m.effect ? { effect: maskPersonalData(m.effect) } : {}),
    status: m.status,
    ...(m.cancelReason ? { cancelReason: maskPersonalData(m.cancelReason) } : {}),
    overdue: isMeasureOverdue(m, today),
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    version: m.version,
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
    procedure: t.procedure,
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
