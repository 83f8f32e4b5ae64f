import { StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { Application, Household, Supplement, Withdrawal } from '../../schemas/application.ts';
import type { ObjectionView } from '../../schemas/objection.ts';
import type { Actor, AuditRecord, CaseView, ChainStatus, User } from '../../schemas/records.ts';
import { assertCanActForApplicant, assertCanFile, assertCanSeeCase } from '../core/access.ts';
import { GENESIS_HASH, verifyChain } from '../core/audit-chain.ts';
import { conflict, notFound } from '../core/errors.ts';
import { countyOf } from '../core/jurisdiction.ts';
import { beforeCountyDecision, FIRST_STAGE, isTerminal, type Route } from '../core/procedure.ts';
import { toIso } from '../core/time.ts';
import { type CaseItem, caseView, objectionView } from '../store/items.ts';
import type { Page } from '../store/store.ts';
import { completeCallback } from './callbacks.ts';
import { type Deps, policyOf } from './deps.ts';
import { retryOnStaleVersion } from './retry.ts';

export const actorOf = (user: User): Actor => ({ sub: user.sub, name: user.name, role: user.role });

/** Every resident ID number of a household: each may hold one open case at a time. */
export const idNumbersOf = (h: Household) => [h.head.idNumber, ...h.members.map((m) => m.idNumber)];

/**
 * Files an identification application: the case, its first audit record and one guard per household ID number
 * in one transaction (a second open case for any of them is a 409 naming the open case), then starts the
 * procedure's state machine at the first stage.
 */
export async function fileApplication(deps: Deps, user: User, application: Application): Promise<CaseView> {
  const { household } = application;
  assertCanFile(user, household.villageCode);
  const county = countyOf(household.villageCode);
  const policy = await policyOf(deps, county);
  const now = toIso(deps.clock.now());
  const caseId = deps.newId('case');
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
    executionArn: executionArnOf(deps.identificationStateMachineArn(), caseId),
    route: { target: FIRST_STAGE },
  };
  const { case: filed } = await deps.store.apply({
    before: draft,
    audit: {
      at: now,
      actor: actorOf(user),
      action: 'filed',
      stage: FIRST_STAGE,
      data: { source: household.source, category: household.category, policyVersion: policy.version },
    },
    claimGuards: idNumbersOf(household),
  });
  await startIdentification(deps, caseId, caseId, filed.route);
  return caseView(filed);
}

/**
 * Starts an execution of the identification state machine entering at `route`, named `name` (unique per
 * state machine). A start that fails marks the case ERROR, so it is never silently stuck.
 */
export async function startIdentification(
  deps: Deps,
  caseId: string,
  name: string,
  route: Route,
): Promise<void> {
  try {
    await deps.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: deps.identificationStateMachineArn(),
        name,
        input: JSON.stringify({ caseId, route }),
      }),
    );
  } catch (e) {
    await markCaseError(deps, caseId, `workflow did not start: ${(e as Error).message}`);
    throw e;
  }
}

/** Step Functions names an execution's ARN after its state machine's; a case's first execution is named by its id. */
export const executionArnOf = (stateMachineArn: string, name: string) =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

export const SYSTEM: Actor = { sub: 'system', name: '系统', role: 'system' };

/** Marks a case ERROR with its cause: visible to admins, alarmed, never silently stuck. */
export async function markCaseError(deps: Deps, caseId: string, cause: string): Promise<void> {
  const c = await deps.store.getCase(caseId);
  // an ended case keeps its outcome: a step failing after a withdrawal or a decision changes nothing
  if (!c || c.status === 'error' || isTerminal(c.status)) return;
  const at = toIso(deps.clock.now());
  await deps.store.apply({
    before: c,
    set: { status: 'error', error: { cause: cause.slice(0, 1000), at } },
    audit: { at, actor: SYSTEM, action: 'error', stage: c.stage, comment: cause.slice(0, 1000) },
  });
}

/** A case the caller may see, or 404. */
export async function visibleCase(deps: Deps, user: User, caseId: string): Promise<CaseItem> {
  const c = await deps.store.getCase(caseId);
  if (!c) throw notFound('case');
  assertCanSeeCase(user, { villageCode: c.villageCode, applicantSub: c.applicant.sub });
  return c;
}

/** Cases in the caller's scope: an applicant's own, a reviewer's or auditor's jurisdiction. */
export async function listCases(
  deps: Deps,
  user: User,
  q: { status?: string; stage?: string; cursor?: string; limit: number },
): Promise<Page<CaseView>> {
  if (user.role === 'applicant') {
    const page = await deps.store.casesOfApplicant(user.sub, q);
    const items = page.items.filter(
      (c) => (!q.status || c.status === q.status) && (!q.stage || c.stage === q.stage),
    );
    return { items: items.map(caseView), cursor: page.cursor };
  }
  const page = await deps.store.casesInJurisdiction(
    user.jurisdiction,
    { status: q.status, stage: q.stage },
    q,
  );
  return { items: page.items.map(caseView), cursor: page.cursor };
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
    ...caseView(c),
    timeline: trail,
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
  return { records: trail, chain: verifyChain(trail, { length: c.auditLength, head: c.auditHead }) };
}

/**
 * Answers a `return`: the case goes back to the stage that returned it (the workflow reopens that stage's
 * task), with the note and any corrected household fields recorded.
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
  const at = toIso(deps.clock.now());
  const { case: after } = await deps.store.apply({
    before: c,
    set: { status: 'open', household: { ...c.household, ...body.household }, route: { target: c.stage } },
    remove: ['supplementToken', 'supplementDueAt'],
    audit: {
      at,
      actor: actorOf(user),
      action: 'supplemented',
      stage: c.stage,
      comment: body.note,
      data: { changedFields: Object.keys(body.household ?? {}) },
    },
  });
  if (c.supplementToken) await completeCallback(deps, c.supplementToken, { target: c.stage });
  return caseView(after);
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
          }
        : undefined,
    releaseGuards: idNumbersOf(c.household),
  });
  const token = c.status === 'returned' ? c.supplementToken : task?.taskToken;
  if (token) await completeCallback(deps, token, route);
  else if (c.stage === 'publicity' && c.executionArn) {
    await deps.sfn.send(
      new StopExecutionCommand({ executionArn: c.executionArn, cause: 'withdrawn by applicant' }),
    );
  }
  return caseView(after);
}
