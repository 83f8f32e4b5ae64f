import type { Role } from '../../schemas/common.ts';
import type { Source, TaskStatus } from '../../schemas/domain.ts';
import type { User } from '../../schemas/records.ts';
import type { StaffMember } from '../../schemas/staff.ts';
import { conflict, forbidden, invalid, notFound } from './errors.ts';
import { codeAt, countyOf, type Level, levelOf, within } from './jurisdiction.ts';
import { HUMAN_STAGES, type HumanStage, STAGE_SPECS } from './procedure.ts';

/** Roles allowed to file an application (docs/domain.md §4). */
const FILERS: readonly Role[] = ['applicant', 'village_reviewer'];
/** Roles that read every case inside their jurisdiction. */
const JURISDICTION_READERS: readonly Role[] = [
  'village_reviewer',
  'township_reviewer',
  'county_reviewer',
  'auditor',
  'admin',
];

export interface CaseScope {
  villageCode: string;
  applicantSub: string;
}

/** May `user` see this case at all? Outside scope is reported as 404 so nothing leaks. */
export function canSeeCase(user: User, c: CaseScope): boolean {
  if (user.role === 'applicant') return c.applicantSub === user.sub;
  return JURISDICTION_READERS.includes(user.role) && within(user.jurisdiction, c.villageCode);
}

export function assertCanSeeCase(user: User, c: CaseScope): void {
  if (!canSeeCase(user, c)) throw notFound('case');
}

/**
 * Filing: the right role, the household's village inside the caller's jurisdiction, and a source the caller may
 * claim: a household files for itself (`self_declared`); a cadre's screening or a department's alert is filed by
 * the village cadre.
 */
export function assertCanFile(user: User, household: { villageCode: string; source: Source }): void {
  const { villageCode } = household;
  if (!FILERS.includes(user.role)) throw forbidden(`role ${user.role} may not file applications`);
  if (user.role === 'applicant' && household.source !== 'self_declared') {
    throw forbidden('a household files for itself: its source is self_declared', [
      {
        path: 'household.source',
        rule: 'self_declared',
        message: 'cadre_screening and department_alert are filed by the village cadre',
      },
    ]);
  }
  if (!within(user.jurisdiction, villageCode)) {
    throw forbidden('the village is outside your jurisdiction', [
      {
        path: 'household.villageCode',
        rule: 'within_jurisdiction',
        message: `must lie inside ${user.jurisdiction}`,
      },
    ]);
  }
}

/** Applicant (own case) or a village reviewer of the case's village: supplement or withdraw. */
export function assertCanActForApplicant(user: User, c: CaseScope): void {
  assertCanSeeCase(user, c);
  if (user.role === 'applicant' || user.role === 'village_reviewer') return;
  throw forbidden(`role ${user.role} may not act for the applicant`);
}

/** The jurisdiction code a stage's task belongs to, e.g. the township of the case's village. */
export function taskJurisdiction(stage: HumanStage, villageCode: string): string {
  return codeAt(villageCode, STAGE_SPECS[stage].level);
}

export interface TaskScope {
  role: Role;
  jurisdiction: string;
}

/** The roles with a task inbox: whoever reviews some stage. */
export const REVIEWER_ROLES: readonly Role[] = [...new Set(HUMAN_STAGES.map((s) => STAGE_SPECS[s].role))];

/** Whether the user takes tasks (a reviewer role): has an inbox, and a place in the staff directory. */
export const takesTasks = (user: User): boolean => REVIEWER_ROLES.includes(user.role);

/** A task inbox is for reviewers only (403 otherwise). */
export function assertHasInbox(user: User): void {
  if (!takesTasks(user)) throw forbidden(`role ${user.role} has no task inbox`);
}

/** Roles that record an objection raised in the village during publicity (docs/domain.md §8). */
const OBJECTION_RECORDERS: readonly Role[] = ['village_reviewer', 'township_reviewer'];

/** Only village and township reviewers record objections (403 otherwise). */
export function assertCanRecordObjection(user: User): void {
  if (!OBJECTION_RECORDERS.includes(user.role))
    throw forbidden(`role ${user.role} may not record objections`);
}

/** One level up of each reviewer role below the county: told of its overdue tasks, and may step in on them. */
const NEXT_LEVEL_UP: Partial<Record<Role, { role: Role; level: Level }>> = {
  village_reviewer: { role: 'township_reviewer', level: 'township' },
  township_reviewer: { role: 'county_reviewer', level: 'county' },
};
/** No reviewer sits above the county: its admin hears of the county reviewers' overdue tasks. */
const ABOVE_THE_COUNTY = { role: 'admin', level: 'county' } as const;

/** Who hears of an overdue task (escalation): the next level up of the task's role and jurisdiction. */
export function escalationTarget(t: TaskScope): TaskScope {
  const up = NEXT_LEVEL_UP[t.role] ?? ABOVE_THE_COUNTY;
  return { role: up.role, jurisdiction: codeAt(t.jurisdiction, up.level) };
}

const hasTaskRole = (user: User, t: TaskScope) =>
  user.role === t.role && within(user.jurisdiction, t.jurisdiction);

/** The reviewer a task escalates to, inside their jurisdiction, may step in on it (an admin is only told). */
function stepsIn(user: User, t: TaskScope): boolean {
  const target = escalationTarget(t);
  return (
    REVIEWER_ROLES.includes(user.role) &&
    user.role === target.role &&
    within(user.jurisdiction, target.jurisdiction)
  );
}

/** May `user` act on this task? Reviewers of its role whose jurisdiction covers it, and the next level up. */
export function canActOnTask(user: User, t: TaskScope): boolean {
  return hasTaskRole(user, t) || stepsIn(user, t);
}

/** How the caller acts on a task: as its role, or stepping in from the next level up for `onBehalfOf`. */
export interface TaskAuthority {
  onBehalfOf?: Role;
}

/**
 * Acting on a task (see, claim, decide, reassign): its role inside the jurisdiction, or the next level up
 * stepping in; another role whose jurisdiction covers the task gets 403, anyone else finds it absent (404).
 */
export function assertCanActOnTask(user: User, t: TaskScope): TaskAuthority {
  if (hasTaskRole(user, t)) return {};
  if (stepsIn(user, t)) return { onBehalfOf: t.role };
  if (within(user.jurisdiction, t.jurisdiction)) throw forbidden(`this task is for role ${t.role}`);
  throw notFound('task');
}

/**
 * Reading one task ("in scope", contract v1): whoever may act on it, and whoever reads its case's village:
 * auditors, admins and the reviewers above it, read-only. Applicants follow their case, not its tasks (403
 * inside their village, 404 elsewhere, as for acting).
 */
export function assertCanReadTask(user: User, t: TaskScope & { villageCode: string }): void {
  if (JURISDICTION_READERS.includes(user.role) && within(user.jurisdiction, t.villageCode)) return;
  assertCanActOnTask(user, t);
}

/** A task as the rules on deciding and assigning it read it. */
export interface TaskState extends TaskScope {
  status: TaskStatus;
  assignee?: string;
  assigneeName?: string;
}

/** A decided task takes no further decision or assignment: 409. */
export function assertUndecided(t: Pick<TaskState, 'status'>): void {
  if (t.status === 'done') {
    throw conflict('the task is already decided', [{ path: 'task.status', rule: 'not_done' }]);
  }
}

/**
 * Deciding or reassigning: an undecided task the caller may act on and, once it is claimed, only by its
 * claimant, unless the next level up steps in (its trail then records `onBehalfOf`).
 */
export function assertCanDecideOrReassign(user: User, t: TaskState): TaskAuthority {
  const authority = assertCanActOnTask(user, t);
  assertUndecided(t);
  if (t.status === 'claimed' && t.assignee !== user.sub && !authority.onBehalfOf) {
    throw conflict(`the task is claimed by ${t.assigneeName ?? 'another reviewer'}`, [
      { path: 'task.assignee', rule: 'claimant' },
    ]);
  }
  return authority;
}

/** Claiming is for the task's own role; the next level up reassigns or decides instead (403). */
export function assertCanClaim(user: User, t: TaskScope): void {
  if (assertCanActOnTask(user, t).onBehalfOf) {
    throw forbidden(`only a ${t.role} claims this task; the next level up may reassign or decide it`);
  }
}

/**
 * Who may take a task over: a colleague in the staff directory with the task's role and jurisdiction, other
 * than its current assignee. Anyone else is a 400 naming `assignee` and the rule they fail.
 */
export function assertEligibleAssignee(member: StaffMember | undefined, t: TaskState): StaffMember {
  const refuse = (rule: string, message: string) =>
    invalid('the assignee cannot take this task', [{ path: 'assignee', rule, message }]);
  if (!member) throw refuse('known_colleague', 'no reviewer with this id in the staff directory');
  if (member.role !== t.role) throw refuse('same_role', `must be a ${t.role}`);
  if (member.jurisdiction !== t.jurisdiction)
    throw refuse('task_jurisdiction', `must work in ${t.jurisdiction}`);
  if (member.sub === t.assignee) throw refuse('not_current_assignee', 'the task is theirs already');
  return member;
}

/** What a reviewer's escalations view covers: tasks of the role one level below, inside their jurisdiction. */
export interface EscalationScope {
  role: Role;
  county: string;
  /** the caller's jurisdiction when narrower than the county: a prefix of the tasks' village codes */
  township?: string;
}

/** The tasks that escalate to `user`; a role with no reviewers below it gets 403. */
export function escalationScope(user: User): EscalationScope {
  const below = REVIEWER_ROLES.find((r) => NEXT_LEVEL_UP[r]?.role === user.role);
  if (!below || !REVIEWER_ROLES.includes(user.role)) {
    throw forbidden(`role ${user.role} oversees no level below`);
  }
  const county = countyOf(user.jurisdiction);
  if (levelOf(user.jurisdiction) === 'county') return { role: below, county };
  return { role: below, county, township: user.jurisdiction };
}

/** Roles that read a county's reports (timings, breaches, stuck cases) when their jurisdiction covers it. */
const COUNTY_REPORT_READERS: readonly Role[] = ['auditor', 'county_reviewer', 'admin'];

/** What a report may cover: a county, narrowed to one township for township reviewers (or on request). */
export interface ReportScope {
  county: string;
  township?: string;
}

/**
 * Who may read a county's reports and over what. Auditors, county reviewers and admins read any county inside
 * their jurisdiction; a township reviewer reads only their own township; other roles get 403. A county or
 * township outside the caller's jurisdiction is 404, as for cases: nothing says whether it exists.
 */
export function reportScope(user: User, requested: { county?: string; township?: string }): ReportScope {
  const county = requested.county ?? countyOf(user.jurisdiction);
  if (requested.township && !within(county, requested.township)) throw notFound('township');
  if (COUNTY_REPORT_READERS.includes(user.role)) {
    if (!within(user.jurisdiction, county) && !within(county, user.jurisdiction)) throw notFound('county');
    // a reader whose jurisdiction is narrower than the county (e.g. a township-level auditor) stays inside it
    const township = requested.township ?? (user.jurisdiction.length > 6 ? user.jurisdiction : undefined);
    if (township && !within(user.jurisdiction, township) && !within(township, user.jurisdiction)) {
      throw notFound('township');
    }
    return township ? { county, township } : { county };
  }
  if (user.role === 'township_reviewer') {
    if (!within(county, user.jurisdiction)) throw notFound('county');
    if (requested.township && requested.township !== user.jurisdiction) throw notFound('township');
    return { county, township: user.jurisdiction };
  }
  throw forbidden(`role ${user.role} may not read reports`);
}

/**
 * The county whose settings (policy, working-day calendar) an admin reads or changes: their own unless they name
 * one inside their jurisdiction. Other roles get 403; a county outside the jurisdiction is 404, as for cases.
 */
export function adminCounty(user: User, requested?: string): string {
  if (user.role !== 'admin') throw forbidden(`role ${user.role} may not manage county settings`);
  const county = requested ?? countyOf(user.jurisdiction);
  if (!within(user.jurisdiction, county)) throw notFound('county');
  return county;
}

/**
 * The county whose working-day calendar `user` may read: the calendar explains due dates, so every reviewer,
 * auditor and admin reads the county their jurisdiction lies in (or covers); applicants get 403.
 */
export function calendarCounty(user: User, requested?: string): string {
  if (!JURISDICTION_READERS.includes(user.role))
    throw forbidden(`role ${user.role} may not read the calendar`);
  const county = requested ?? countyOf(user.jurisdiction);
  if (!within(user.jurisdiction, county) && !within(county, user.jurisdiction)) throw notFound('county');
  return county;
}

/**
 * The county (and, for a caller below county level, the jurisdiction prefix) a caller of `role` reads in the
 * county-wide audit routes: their own county unless they name one their jurisdiction covers or lies in. Other
 * roles 403; other counties 404.
 */
export function countyScope(
  user: User,
  role: Role,
  requested: string | undefined,
): { county: string; scope: string } {
  if (user.role !== role) throw forbidden(`only the ${role} role may do this`);
  const county = requested ?? countyOf(user.jurisdiction);
  if (!within(user.jurisdiction, county) && !within(county, user.jurisdiction)) throw notFound('county');
  return { county, scope: user.jurisdiction.length > county.length ? user.jurisdiction : county };
}

/**
 * What the overdue list covers: a village reviewer their village (the one role below the report readers that
 * contract v1 lets read it); everyone else as the other reports (reportScope). The result is the county and,
 * when narrower, the jurisdiction prefix of the tasks' village codes.
 */
export function overdueScope(
  user: User,
  requested: { county?: string; township?: string },
): { county: string; within?: string } {
  if (user.role !== 'village_reviewer') {
    const scope = reportScope(user, requested);
    return { county: scope.county, ...(scope.township ? { within: scope.township } : {}) };
  }
  const county = countyOf(user.jurisdiction);
  if (requested.county && requested.county !== county) throw notFound('county');
  if (requested.township && !within(requested.township, user.jurisdiction)) throw notFound('township');
  return { county, within: user.jurisdiction };
}

/** Roles that write a case's assistance measures and contact (docs/domain.md, 帮扶措施). */
const MEASURE_WRITERS: readonly Role[] = ['village_reviewer', 'township_reviewer'];

/**
 * Village and township reviewers of the case's jurisdiction write measures and the contact: another role is
 * a 403; a case outside the caller's jurisdiction is already a 404 (assertCanSeeCase).
 */
export function assertCanWriteMeasures(user: User, c: CaseScope): void {
  assertCanSeeCase(user, c);
  if (!MEASURE_WRITERS.includes(user.role)) {
    throw forbidden(`role ${user.role} may not change assistance measures or the contact`);
  }
}
