import {
  type Application,
  type CaseFiling,
  type Household,
  householdSchema,
  type Supplement,
  type Withdrawal,
} from '../../schemas/application.ts';
import type { Procedure } from '../../schemas/domain.ts';
import type { ObjectionView } from '../../schemas/objection.ts';
import type { Actor, AuditRecord, CaseView, ChainStatus, User } from '../../schemas/records.ts';
import { assertCanActForApplicant, assertCanFile, assertCanSeeCase, canSeeCase } from '../core/access.ts';
import { GENESIS_HASH, verifyChain } from '../core/audit-chain.ts';
import { issuesToDetails } from '../core/decisions.ts';
import { conflict, invalid, notFound } from '../core/errors.ts';
import { CASE_ERROR_MESSAGES, CAUSE_READERS, type CaseFailure, plainCause } from '../core/failure.ts';
import { countyOf } from '../core/jurisdiction.ts';
import { assertRiskFoundAt } from '../core/monitoring.ts';
import { assertJustifiedAboveLine } from '../core/policy.ts';
import { beforeCountyDecision, FIRST_STAGE, isTerminal, type Route } from '../core/procedure.ts';
import { localDate, localYear, parseIso, toIso } from '../core/time.ts';
import { type CaseItem, heldGuards, idNumbersOf } from '../store/case.ts';
import { type GuardClaim, GuardConflict } from '../store/guard.ts';
import type { Page } from '../store/table.ts';
import { resumeTaskWorkflow } from './callbacks.ts';
import { type Deps, policyOf } from './deps.ts';
import { retryOnStaleVersion } from './retry.ts';
import { proposalEnd, proposeRiskElimination } from './risk-elimination.ts';
import { armed, enter } from './stage-entry.ts';
import { auditView, caseView, objectionView } from './views.ts';

export const actorOf = (user: User): Actor => ({ sub: user.sub, name: user.name, role: user.role });

/**
 * The guards a case takes on for `idNumbers` of its household, each with the field that lists the person (the
 * head's, or the first member's who has it), so a conflict names it.
 */
export function guardClaims(h: Household, idNumbers: readonly string[] = idNumbersOf(h)): GuardClaim[] {
  const paths = new Map<string, string>();
  h.members.forEach((m, i) => {
    if (!paths.has(m.idNumber)) paths.set(m.idNumber, `household.members[${i}].idNumber`);
  });
  paths.set(h.head.idNumber, 'household.head.idNumber');
  return idNumbers.map((idNumber) => ({ idNumber, path: paths.get(idNumber)! }));
}

/**
 * Runs a case change that claims guards. A person who already has an open case is a 409 naming their field, and
 * naming that case only to a caller who may read it: anyone else learns nothing of another jurisdiction's case.
 */
export async function claimingGuards<T>(deps: Deps, user: User, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (e) {
    if (!(e instanceof GuardConflict) || !e.holder) throw e;
    const holder = await deps.store.getCase(e.holder);
    const readable =
      holder && canSeeCase(user, { villageCode: holder.villageCode, applicantSub: holder.applicant.sub });
    throw readable ? e.naming(holder.caseId) : e;
  }
}

/** `POST /api/cases`: an identification application, or a risk-elimination proposal (services/risk-elimination). */
export const fileCase = (deps: Deps, user: User, body: CaseFiling): Promise<CaseView> =>
  body.procedure === 'risk_elimination'
    ? proposeRiskElimination(deps, user, body)
    : fileApplication(deps, user, body);

/**
 * Files an identification application: the case, its first audit record and one guard per person of the
 * household in one transaction (a person who already has an open case is a 409 naming their field), then
 * starts the procedure's state machine at the first stage.
 */
export async function fileApplication(deps: Deps, user: User, application: Application): Promise<CaseView> {
  const { household } = application;
  assertCanFile(user, household);
  const county = countyOf(household.villageCode);
  const policy = await policyOf(deps, county);
  const nowMs = deps.clock.now();
  const now = toIso(nowMs);
  assertJustifiedAboveLine(policy, household, localYear(now));
  const caseId = deps.newId('case');
  const history = await householdHistory(deps, household, caseId);
  const riskFoundAt = application.riskFoundAt ?? localDate(deps.clock.now());
  assertRiskFoundAt(riskFoundAt, localDate(deps.clock.now()), history.previousEndedOn);
  const draft: CaseItem = {
    caseId,
    procedure: application.procedure,
    status: 'open',
    stage: FIRST_STAGE,
    villageCode: household.villageCode,
    household,
    applicant: actorOf(user),
    createdAt: now,
    updatedAt: now,
    version: 0,
    policy,
    auditLength: 0,
    auditHead: GENESIS_HASH,
    executionArn: deps.workflow.executionArn(application.procedure, caseId),
    route: (
      await enter(
        deps,
        { caseId, policy, villageCode: household.villageCode },
        { target: FIRST_STAGE },
        nowMs,
      )
    ).route,
    riskFoundAt,
    householdId: history.householdId,
    ...(history.previousCaseIds.length ? { previousCaseIds: history.previousCaseIds } : {}),
  };
  const { case: filed } = await claimingGuards(deps, user, () =>
    deps.store.apply({
      before: draft,
      audit: {
        at: now,
        actor: actorOf(user),
        action: 'filed',
        stage: FIRST_STAGE,
        data: { source: household.source, category: household.category, policyVersion: policy.version },
      },
      claimGuards: guardClaims(household),
      linkPeople: idNumbersOf(household),
    }),
  );
  await startWorkflow(deps, application.procedure, caseId, caseId, filed.route);
  return caseView(filed);
}

/**
 * The household a filing belongs to: the one its head (else a member) was last filed with, or a new one named
 * by this case. A household that falls back into risk (返贫) links the earlier cases whose risk was eliminated,
 * and its new risk cannot predate the day its last case ended.
 */
async function householdHistory(
  deps: Deps,
  household: Household,
  caseId: string,
): Promise<{ householdId: string; previousCaseIds: string[]; previousEndedOn?: string }> {
  const links = await deps.store.personHouseholds(idNumbersOf(household));
  const householdId = links.find((l) => l !== undefined)?.householdId;
  if (!householdId) return { householdId: caseId, previousCaseIds: [] };
  // the household's identification cases: its proposals (风险消除) end with the case they name
  const monitored = (await deps.store.householdCases(householdId)).filter(
    (c) => c.procedure === 'identification',
  );
  const ends = monitored
    .map(
      (c) =>
        c.riskEliminatedAt ?? (c.status === 'rejected' || c.status === 'withdrawn' ? c.closedAt : undefined),
    )
    .filter((at): at is string => at !== undefined)
    .map((at) => localDate(parseIso(at)))
    .sort();
  return {
    householdId,
    previousCaseIds: monitored.filter((c) => c.status === 'risk_eliminated').map((c) => c.caseId),
    ...(ends.length ? { previousEndedOn: ends.at(-1) } : {}),
  };
}

/**
 * Starts an execution of the procedure's state machine entering at `route`, named `name` (unique per
 * state machine). A start that fails marks the case ERROR, so it is never silently stuck. Each name is started by
 * one hand-over only (a case, its re-examination, each renewal generation), so a name that exists already was
 * started by this same hand-over run before: its input differed only in the wait's timeout, counted from now.
 */
export async function startWorkflow(
  deps: Deps,
  procedure: Procedure,
  caseId: string,
  name: string,
  route: Route,
): Promise<void> {
  try {
    await deps.workflow.start(procedure, name, { caseId, route: armed(deps, route) });
  } catch (e) {
    if ((e as Error).name === 'ExecutionAlreadyExists') return;
    await markCaseError(deps, caseId, {
      code: 'workflow_not_started',
      cause: plainCause((e as Error).name, (e as Error).message),
    });
    throw e;
  }
}

export const SYSTEM: Actor = { sub: 'system', name: '系统', role: 'system' };

/**
 * Marks a case ERROR, alarmed and never silently stuck: its code and plain message for everyone who may see the
 * case, the (plain) cause for admins and auditors only, and in the audit trail the code and message alone.
 */
export function markCaseError(deps: Deps, caseId: string, failure: CaseFailure): Promise<void> {
  return retryOnStaleVersion(async () => {
    const c = await deps.store.getCase(caseId);
    // an ended case keeps its outcome: a step failing after a withdrawal or a decision changes nothing
    if (!c || c.status === 'error' || isTerminal(c.status)) return;
    const at = toIso(deps.clock.now());
    const message = CASE_ERROR_MESSAGES[failure.code];
    await deps.store.apply({
      before: c,
      set: { status: 'error', error: { code: failure.code, message, cause: failure.cause, at } },
      audit: {
        at,
        actor: SYSTEM,
        action: 'error',
        stage: c.stage,
        comment: message,
        data: { code: failure.code },
      },
    });
  });
}

/** Whether the caller reads the cause of a case's error (core/failure CAUSE_READERS). */
const readsCause = (user: User) => CAUSE_READERS.includes(user.role);

/** A case the caller may see, or 404. */
export async function visibleCase(deps: Deps, user: User, caseId: string): Promise<CaseItem> {
  const c = await deps.store.getCase(caseId);
  if (!c) throw notFound('case');
  assertCanSeeCase(user, { villageCode: c.villageCode, applicantSub: c.applicant.sub });
  return c;
}

/**
 * Cases in the caller's scope: an applicant's own, a reviewer's or auditor's jurisdiction. `status`, `stage` and
 * `procedure` filter inside the index Query (the list indexes copy them), and a filtered page reads on until it is
 * full, so a page is short only at the end (or after Table.page's read bound).
 */
export async function listCases(
  deps: Deps,
  user: User,
  q: { status?: string; stage?: string; procedure?: Procedure; cursor?: string; limit: number },
): Promise<Page<CaseView>> {
  const today = localDate(deps.clock.now());
  const filter = { status: q.status, stage: q.stage, procedure: q.procedure };
  const page =
    user.role === 'applicant'
      ? await deps.store.casesOfApplicant(user.sub, filter, q)
      : await deps.store.casesInJurisdiction(user.jurisdiction, filter, q);
  return { items: page.items.map((c) => caseView(c, { today })), cursor: page.cursor };
}

/** A case with its timeline (audit records, oldest first). */
export async function caseWithTimeline(
  deps: Deps,
  user: User,
  caseId: string,
): Promise<CaseView & { timeline: AuditRecord[]; objections?: ObjectionView[] }> {
  const { case: c, trail, objections } = await deps.store.getCaseWithTrail(caseId);
  if (!c) throw notFound('case');
  assertCanSeeCase(user, { villageCode: c.villageCode, applicantSub: c.applicant.sub });
  // Staff read the objections (who objected, what they said); the applicant does not learn who objected.
  return {
    ...caseView(c, { withCause: readsCause(user), today: localDate(deps.clock.now()), fullPhone: true }),
    timeline: trail.map(auditView),
    ...(user.role === 'applicant' ? {} : { objections: objections.map(objectionView) }),
  };
}

/** The trail and whether its hash chain holds, checked against the head the case item records. */
export async function auditTrail(
  deps: Deps,
  user: User,
  caseId: string,
): Promise<{ records: AuditRecord[]; chain: ChainStatus }> {
  const { case: c, trail } = await deps.store.getCaseWithTrail(caseId);
  if (!c) throw notFound('case');
  assertCanSeeCase(user, { villageCode: c.villageCode, applicantSub: c.applicant.sub });
  return {
    records: trail.map(auditView),
    chain: verifyChain(trail, { length: c.auditLength, head: c.auditHead }),
  };
}

/**
 * Answers a `return`: the case goes back to the stage that returned it (the workflow reopens that stage's
 * task), with the note and any corrected household fields recorded. The corrected household passes the filing's
 * checks, and its people's guards move with it in the same transaction: a person added is claimed (409 naming
 * their field when they have another open case), a person dropped is released.
 */
export function supplement(deps: Deps, user: User, caseId: string, body: Supplement): Promise<CaseView> {
  return retryOnStaleVersion(() => supplementOnce(deps, user, caseId, body));
}

async function supplementOnce(deps: Deps, user: User, caseId: string, body: Supplement): Promise<CaseView> {
  const c = await visibleCase(deps, user, caseId);
  assertCanActForApplicant(user, { villageCode: c.villageCode, applicantSub: c.applicant.sub });
  if (c.status !== 'returned') {
    throw conflict(`the case is ${c.status}, not waiting for a supplement`, [
      { path: 'case.status', rule: 'returned' },
    ]);
  }
  // a proposal's household is its enrolled case's, as that case holds it (and its people's guards): a note only
  if (c.procedure === 'risk_elimination' && body.household) {
    throw invalid('a risk-elimination proposal takes a note, not household changes', [
      {
        path: 'household',
        rule: 'not_on_proposal',
        message: 'change the household on its enrolled case, then supplement with a note',
      },
    ]);
  }
  const household = supplementedHousehold(c.household, body);
  assertJustifiedAboveLine(c.policy, household, localYear(c.createdAt));
  const held = heldGuards(c);
  const people = c.procedure === 'identification' ? idNumbersOf(household) : [];
  const claim = people.filter((id) => !held.includes(id));
  const release = held.filter((id) => !people.includes(id));
  const now = deps.clock.now();
  const at = toIso(now);
  const { route } = await enter(deps, c, { target: c.stage }, now);
  const { case: after } = await claimingGuards(deps, user, () =>
    deps.store.apply({
      before: c,
      set: { status: 'open', household, route },
      remove: ['supplementToken', 'supplementDueAt'],
      audit: {
        at,
        actor: actorOf(user),
        action: 'supplemented',
        stage: c.stage,
        comment: body.note,
        data: { changedFields: Object.keys(body.household ?? {}) },
      },
      ...(claim.length ? { claimGuards: guardClaims(household, claim), linkPeople: claim } : {}),
      ...(release.length ? { releaseGuards: release } : {}),
    }),
  );
  if (c.supplementToken) await deps.workflow.complete(c.supplementToken, armed(deps, route));
  return caseView(after);
}

/** The household a supplement leaves, held to the filing's rules (400 naming each bad field). */
function supplementedHousehold(stored: Household, body: Supplement): Household {
  const parsed = householdSchema.safeParse({ ...stored, ...body.household });
  if (!parsed.success) {
    throw invalid(
      'the supplemented household is not valid',
      issuesToDetails(parsed.error.issues, ['household']),
    );
  }
  return parsed.data;
}

/**
 * The applicant (or the village cadre for them) withdraws: allowed while the case is open or returned and not
 * yet past county approval; the open task closes and the waiting workflow ends.
 */
export function withdraw(deps: Deps, user: User, caseId: string, body: Withdrawal): Promise<CaseView> {
  return retryOnStaleVersion(() => withdrawOnce(deps, user, caseId, body));
}

async function withdrawOnce(deps: Deps, user: User, caseId: string, body: Withdrawal): Promise<CaseView> {
  const c = await visibleCase(deps, user, caseId);
  assertCanActForApplicant(user, { villageCode: c.villageCode, applicantSub: c.applicant.sub });
  if (c.status !== 'open' && c.status !== 'returned') {
    throw conflict(`the case is already ${c.status}`, [{ path: 'case.status', rule: 'open_or_returned' }]);
  }
  if (!beforeCountyDecision(c.policy.order, c.stage)) {
    throw conflict('a case cannot be withdrawn after county approval', [
      { path: 'case.stage', rule: 'before_county_approval' },
    ]);
  }
  const at = toIso(deps.clock.now());
  const route: Route = { target: 'end', status: 'withdrawn' };
  const task = c.openTaskId ? await deps.store.getTask(c.openTaskId) : undefined;
  const { case: after } = await deps.store.apply({
    before: c,
    set: { status: 'withdrawn', closedAt: at, route },
    remove: ['openTaskId', 'supplementToken'],
    audit: { at, actor: actorOf(user), action: 'withdrawn', stage: c.stage, comment: body.reason },
    updateTask:
      task && task.status !== 'done'
        ? {
            before: task,
            expect: ['open', 'claimed'],
            set: { status: 'done', decidedAt: at, route },
            indexing: 'done',
            sameToken: true,
          }
        : undefined,
    releaseGuards: heldGuards(c),
    enrolledCase: await proposalEnd(deps, c, route, at, actorOf(user)),
  });
  // The supplement token is on the case, whose version a rebinding moves, so the one read here is current.
  if (c.status === 'returned') {
    if (c.supplementToken) await deps.workflow.complete(c.supplementToken, route);
  } else if (task) await resumeTaskWorkflow(deps, task, route);
  else if (c.stage === 'publicity' && c.executionArn) {
    await deps.workflow.stop(c.executionArn, 'withdrawn by applicant');
  }
  return caseView(after);
}
