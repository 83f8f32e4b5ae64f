import type { Household } from '../../schemas/application.ts';
import type { Role } from '../../schemas/common.ts';
import type { CaseStatus, DecisionKind, Procedure, Stage } from '../../schemas/domain.ts';
import type { ObjectionBody, ObjectionStatus, ObjectionView } from '../../schemas/objection.ts';
import type { Actor, AuditRecord, CaseErrorView, CaseView, TaskView, User } from '../../schemas/records.ts';
import { maskId } from '../../schemas/resident-id.ts';
import { type CaseErrorCode, messageOf, plainCause } from '../core/failure.ts';
import { maskDeep, maskPersonalData } from '../core/masking.ts';
import { aboveMonitoringLine, type Policy } from '../core/policy.ts';
import type { HumanStage, Route } from '../core/procedure.ts';
import { localYear } from '../core/time.ts';
import type { MilestoneKind } from '../core/timings.ts';

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
  /** when the applicant asked for the one re-examination (复核) of a rejection */
  reexaminationRequestedAt?: string;
  /** the stage whose rejection the re-examination reviews; an overturn sends the case back there */
  rejectingStage?: HumanStage;
  error?: CaseErrorItem;
  /**
   * The resident ID numbers whose one-open-case guard this case holds: exactly what it claimed and has not
   * released. Absent on a case stored before it was recorded (its household's numbers then, see `heldGuards`).
   */
  guards?: string[];
}

/**
 * Why a case is in `error`, as stored. `cause` is plain (core/failure `plainCause`) and read only by admins and
 * auditors. A case marked before codes existed has only `cause` (raw) and `at`.
 */
export interface CaseErrorItem {
  code?: CaseErrorCode;
  message?: string;
  cause?: string;
  at: string;
}

/** Every distinct resident ID number of a household, head first: one person, one guard. */
export const idNumbersOf = (h: Pick<Household, 'head' | 'members'>): string[] => [
  ...new Set([h.head.idNumber, ...h.members.map((m) => m.idNumber)]),
];

/** The ID numbers whose guard the case holds: as recorded, or for a case stored before that, its household's. */
export const heldGuards = (c: Pick<CaseItem, 'guards' | 'household'>): string[] =>
  c.guards ?? idNumbersOf(c.household);

/** Who changed a county setting (policy, calendar), when and why: kept on every stored version. */
export interface SettingChange {
  changedBy: Actor;
  changedAt: string;
  comment?: string;
}

/** A stored version of a county's policy; `#CURRENT` holds a copy of the newest. */
export type PolicyRecord = Policy & SettingChange;

/** A county's working-day overrides (date → working day?), with the latest change. */
export interface CalendarItem extends SettingChange {
  county: string;
  version: number;
  dates: Record<string, boolean>;
}

/** One change of the overrides as the admin sent it: `null` dropped a date back to the official schedule. */
export type CalendarChange = Omit<CalendarItem, 'dates'> & { dates: Record<string, boolean | null> };

/** A human stage's task; its token is stored, never returned. */
export interface TaskItem {
  taskId: string;
  caseId: string;
  stage: HumanStage;
  role: Role;
  jurisdiction: string;
  villageCode: string;
  /** the household head's name when the task opened (tasks opened before it was kept have none) */
  headName?: string;
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

/**
 * When a case reached a whole-case milestone, measured from its application (reported as an SLA, never
 * enforced). One item per reaching, never changed (keys.milestone): a case that reaches it again (a county
 * decision taken again after an upheld objection) gets a second item and counts again.
 */
export interface MilestoneItem {
  caseId: string;
  kind: MilestoneKind;
  villageCode: string;
  /** the application: the case's createdAt */
  startedAt: string;
  at: string;
  /** the application plus the `wholeIdentification` limit of the policy the case started with */
  dueAt: string;
  decision?: DecisionKind;
}

/** One read recorded in the access log: who read what, and when. */
export interface AccessLogItem {
  county: string;
  at: string;
  requestId: string;
  actor: Pick<User, 'sub' | 'username' | 'name' | 'role' | 'jurisdiction'>;
  /** the route key, e.g. `GET /api/cases/{caseId}` */
  route: string;
  /** the path parameters (the case) and query parameters (the report) the read named */
  params?: Record<string, string>;
  query?: Record<string, string>;
  status: number;
}

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
