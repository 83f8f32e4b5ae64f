import type { Household } from '../../schemas/application.ts';
import type { Role } from '../../schemas/common.ts';
import type { CaseStatus, DecisionKind, Procedure, Stage } from '../../schemas/domain.ts';
import type { ObjectionBody, ObjectionStatus, ObjectionView } from '../../schemas/objection.ts';
import type { Actor, CaseView, TaskView } from '../../schemas/records.ts';
import { maskId } from '../../schemas/resident-id.ts';
import type { Policy } from '../core/policy.ts';
import type { HumanStage, Route } from '../core/procedure.ts';

/** The case as stored: full household (ID numbers kept for matching), policy snapshot, chain head. */
export interface CaseItem {
  caseId: string;
  procedure: Procedure;
  status: CaseStatus;
  stage: Stage;
  villageCode: string;
  household: Household;
  applicant: Actor;
  createdAt: string;
  updatedAt: string;
  version: number;
  policy: Policy;
  /** number of audit records and the hash of the last one: the chain's head */
  auditLength: number;
  auditHead: string;
  openTaskId?: string;
  publicityEndsAt?: string;
  supplementDueAt?: string;
  /** callback token of the supplement wait; never returned by the API */
  supplementToken?: string;
  executionArn?: string;
  /** where the workflow stands or is headed: a restart or a new state machine version resumes from it */
  route: Route;
  enrolledAt?: string;
  closedAt?: string;
  error?: { cause: string; at: string };
}

/** A human stage's task; its token is stored, never returned. */
export interface TaskItem {
  taskId: string;
  caseId: string;
  stage: HumanStage;
  role: Role;
  jurisdiction: string;
  villageCode: string;
  status: 'open' | 'claimed' | 'done';
  assignee?: string;
  assigneeName?: string;
  openedAt: string;
  dueAt: string;
  /** when the workflow next escalates (the due date, then one more stage limit each time) */
  escalateAt: string;
  escalations: number;
  overdue: boolean;
  claimedAt?: string;
  decidedAt?: string;
  decision?: DecisionKind;
  decidedBy?: string;
  /** the route the decision sends the workflow on, kept so a lost callback can be replayed */
  route?: Route;
  taskToken?: string;
}

/** An objection raised during publicity, in the case's partition; the objector's phone is kept, never shown. */
export interface ObjectionItem {
  objectionId: string;
  caseId: string;
  status: ObjectionStatus;
  objector: ObjectionBody['objector'];
  content: string;
  filedAt: string;
  filedBy: Actor;
  resolvedAt?: string;
  resolvedBy?: string;
  /** the objection review task that decided it */
  taskId?: string;
}

/** The API view of an objection: the objector's name only. */
export function objectionView(o: ObjectionItem): ObjectionView {
  return {
    objectionId: o.objectionId,
    caseId: o.caseId,
    status: o.status,
    objectorName: o.objector.name,
    content: o.content,
    filedAt: o.filedAt,
    filedBy: o.filedBy,
    ...(o.resolvedAt ? { resolvedAt: o.resolvedAt } : {}),
  };
}

export function maskHousehold(h: Household): Record<string, unknown> {
  const { phone: _phone, ...head } = h.head;
  return {
    ...h,
    head: { ...head, idNumber: maskId(h.head.idNumber) },
    members: h.members.map((m) => ({ ...m, idNumber: maskId(m.idNumber) })),
  };
}

/** The API view of a case: IDs masked, phone, tokens and internals left out. */
export function caseView(c: CaseItem): CaseView {
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
    ...(c.openTaskId ? { openTaskId: c.openTaskId } : {}),
    ...(c.publicityEndsAt ? { publicityEndsAt: c.publicityEndsAt } : {}),
    ...(c.error ? { error: c.error } : {}),
  };
}

export function taskView(t: TaskItem, nowIso: string): TaskView {
  return {
    taskId: t.taskId,
    caseId: t.caseId,
    stage: t.stage,
    role: t.role,
    jurisdiction: t.jurisdiction,
    status: t.status,
    openedAt: t.openedAt,
    dueAt: t.dueAt,
    overdue: t.overdue || (t.status !== 'done' && t.dueAt < nowIso),
    ...(t.assignee ? { assignee: t.assignee } : {}),
    ...(t.claimedAt ? { claimedAt: t.claimedAt } : {}),
    ...(t.decidedAt ? { decidedAt: t.decidedAt } : {}),
    ...(t.decision ? { decision: t.decision } : {}),
  };
}
