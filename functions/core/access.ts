import type { Role } from '../../schemas/common.ts';
import type { User } from '../../schemas/records.ts';
import { forbidden, notFound } from './errors.ts';
import { codeAt, within } from './jurisdiction.ts';
import { type HumanStage, STAGE_SPECS } from './procedure.ts';

/** Roles allowed to file an application (DESIGN contract v1). */
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

/** Filing: the right role, and the household's village inside the caller's jurisdiction. */
export function assertCanFile(user: User, villageCode: string): void {
  if (!FILERS.includes(user.role)) throw forbidden(`role ${user.role} may not file applications`);
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

/** Can `user` see this task? Only reviewers of its role whose jurisdiction covers it. */
export function canSeeTask(user: User, t: TaskScope): boolean {
  return user.role === t.role && within(user.jurisdiction, t.jurisdiction);
}

/** Acting on a task (claim, decide): its role inside the jurisdiction; anything else looks absent. */
export function assertCanActOnTask(user: User, t: TaskScope): void {
  if (canSeeTask(user, t)) return;
  if (user.role !== t.role && within(user.jurisdiction, t.jurisdiction)) {
    throw forbidden(`this task is for role ${t.role}`);
  }
  throw notFound('task');
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
  const county = requested.county ?? user.jurisdiction.slice(0, 6);
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
