/**
 * The risk-elimination proposal (风险消除, docs/domain.md §12): who may propose it for an enrolled case, the one
 * rule set it must pass (core/monitoring `riskEliminationCheck`, also the pre-check the console shows), and the
 * proposal's filing: its own case, in the same transaction as the enrolled case it names.
 */
import type { Proposal } from '../../schemas/application.ts';
import type { Actor, CaseView, User } from '../../schemas/records.ts';
import { assertCanActForApplicant } from '../core/access.ts';
import { GENESIS_HASH } from '../core/audit-chain.ts';
import { conflict } from '../core/errors.ts';
import { countyOf } from '../core/jurisdiction.ts';
import { assertRiskEliminable, type RiskEliminationCheck, riskEliminationCheck } from '../core/monitoring.ts';
import { minEnrolledMonths, type Policy } from '../core/policy.ts';
import { FIRST_STAGE, type Route } from '../core/procedure.ts';
import { toIso } from '../core/time.ts';
import { type CaseItem, heldGuards } from '../store/case.ts';
import type { LinkedChange } from '../store/case-transaction.ts';
import { actorOf, startWorkflow, visibleCase } from './cases.ts';
import { type Deps, policyOf } from './deps.ts';
import { retryOnStaleVersion } from './retry.ts';
import { enter } from './stage-entry.ts';
import { caseView } from './views.ts';

/**
 * The enrolled case `caseId` as its proposer reads it: 404 when the caller may not read it, 403 unless they are
 * the village cadre of its village or the household's applicant, 409 `enrolled` unless it is an enrolled
 * identification case.
 */
async function proposableCase(
  deps: Deps,
  user: User,
  caseId: string,
): Promise<CaseItem & { enrolledAt: string }> {
  const c = await visibleCase(deps, user, caseId);
  assertCanActForApplicant(user, { villageCode: c.villageCode, applicantSub: c.applicant.sub });
  if (c.procedure !== 'identification' || c.status !== 'enrolled' || !c.enrolledAt) {
    throw conflict(
      `only an enrolled household can be proposed for risk elimination; this case is ${c.status}`,
      [{ path: 'enrolledCaseId', rule: 'enrolled' }],
    );
  }
  return c as CaseItem & { enrolledAt: string };
}

/** The rules on the enrolled case `c` today, under the county's policy. */
const checkOf = (c: CaseItem & { enrolledAt: string }, policy: Policy, nowMs: number): RiskEliminationCheck =>
  riskEliminationCheck(
    {
      enrolledAt: c.enrolledAt,
      firstImplementedAt: c.measurePlan?.firstImplementedAt,
      members: c.household.members,
      openCaseId: c.openProposalId,
    },
    minEnrolledMonths(policy),
    nowMs,
  );

/** `GET /api/cases/{caseId}/risk-elimination-check`: what a proposal made now would meet, by the same rules. */
export async function riskEliminationPrecheck(
  deps: Deps,
  user: User,
  caseId: string,
): Promise<RiskEliminationCheck> {
  const c = await proposableCase(deps, user, caseId);
  return checkOf(c, await policyOf(deps, countyOf(c.villageCode)), deps.clock.now());
}

/**
 * Files a risk-elimination proposal: refused with 409 naming every failing rule at once; else a new case of the
 * procedure (the household copied as the enrolled case holds it, the enrolled case's applicant as its applicant,
 * so the household follows it) and its first audit record, in one transaction with the enrolled case's
 * `openProposalId` and audit record on the version read. The proposal holds no guards: the enrolled case keeps
 * its people's, so "one person, one open case" stays the enrolled case's until its risk is eliminated. Then the
 * risk-elimination state machine starts at the first stage.
 */
export function proposeRiskElimination(deps: Deps, user: User, body: Proposal): Promise<CaseView> {
  return retryOnStaleVersion(() => proposeOnce(deps, user, body));
}

async function proposeOnce(deps: Deps, user: User, body: Proposal): Promise<CaseView> {
  const enrolled = await proposableCase(deps, user, body.enrolledCaseId);
  const policy = await policyOf(deps, countyOf(enrolled.villageCode));
  const nowMs = deps.clock.now();
  assertRiskEliminable(checkOf(enrolled, policy, nowMs));
  const at = toIso(nowMs);
  const caseId = deps.newId('case');
  const { villageCode } = enrolled;
  const draft: CaseItem = {
    caseId,
    procedure: 'risk_elimination',
    status: 'open',
    stage: FIRST_STAGE,
    villageCode,
    household: enrolled.household,
    applicant: enrolled.applicant,
    createdAt: at,
    updatedAt: at,
    version: 0,
    policy,
    auditLength: 0,
    auditHead: GENESIS_HASH,
    executionArn: deps.workflow.executionArn('risk_elimination', caseId),
    route: (await enter(deps, { caseId, policy, villageCode }, { target: FIRST_STAGE }, nowMs)).route,
    guards: [],
    householdId: enrolled.householdId ?? enrolled.caseId,
    enrolledCaseId: enrolled.caseId,
    evidence: body.evidence,
  };
  const actor = actorOf(user);
  const { case: filed } = await deps.store.apply({
    before: draft,
    audit: {
      at,
      actor,
      action: 'proposed',
      stage: FIRST_STAGE,
      data: { enrolledCaseId: enrolled.caseId, policyVersion: policy.version },
    },
    enrolledCase: {
      before: enrolled,
      set: { openProposalId: caseId },
      audit: {
        at,
        actor,
        action: 'risk_elimination_proposed',
        stage: enrolled.stage,
        data: { proposalId: caseId },
      },
    },
  });
  await startWorkflow(deps, 'risk_elimination', caseId, caseId, filed.route);
  return caseView(filed);
}

/**
 * What a proposal's end changes on its enrolled case, for the ending step's own transaction (the enrolled case's
 * version, its audit record): `risk_eliminated` ends the enrolled case's monitoring (status, `riskEliminatedAt`,
 * its people's guards released, so they may be identified again); a rejection or withdrawal leaves it enrolled
 * and free for a later proposal. Undefined for an identification case, or a route that does not end.
 */
export async function proposalEnd(
  deps: Deps,
  c: Pick<CaseItem, 'caseId' | 'procedure' | 'enrolledCaseId'>,
  route: Route,
  at: string,
  actor: Actor,
): Promise<LinkedChange | undefined> {
  if (c.procedure !== 'risk_elimination' || route.target !== 'end' || !c.enrolledCaseId) return undefined;
  const enrolled = await deps.store.getCase(c.enrolledCaseId);
  if (!enrolled) throw new Error(`proposal ${c.caseId} names no enrolled case ${c.enrolledCaseId}`);
  const data = { proposalId: c.caseId, status: route.status };
  if (route.status !== 'risk_eliminated') {
    return {
      before: enrolled,
      remove: ['openProposalId'],
      audit: { at, actor, action: 'risk_elimination_ended', stage: enrolled.stage, data },
    };
  }
  return {
    before: enrolled,
    set: { status: 'risk_eliminated', riskEliminatedAt: at },
    remove: ['openProposalId'],
    audit: { at, actor, action: 'risk_eliminated', stage: enrolled.stage, data },
    releaseGuards: heldGuards(enrolled),
  };
}

/**
 * What a rejected proposal's re-examination (复核) changes on its enrolled case: it is the household's open case
 * again (`openProposalId`), which only a case still enrolled with no other proposal under way accepts (409
 * `open_case` otherwise). Undefined for an identification case.
 */
export async function proposalReopened(
  deps: Deps,
  c: Pick<CaseItem, 'caseId' | 'procedure' | 'enrolledCaseId'>,
  at: string,
  actor: Actor,
): Promise<LinkedChange | undefined> {
  if (c.procedure !== 'risk_elimination' || !c.enrolledCaseId) return undefined;
  const enrolled = await deps.store.getCase(c.enrolledCaseId);
  if (enrolled?.status !== 'enrolled' || enrolled.openProposalId) {
    throw conflict('the household is no longer enrolled, or another proposal is under way', [
      { path: 'enrolledCaseId', rule: 'open_case' },
    ]);
  }
  return {
    before: enrolled,
    set: { openProposalId: c.caseId },
    audit: {
      at,
      actor,
      action: 'risk_elimination_proposed',
      stage: enrolled.stage,
      data: { proposalId: c.caseId },
    },
  };
}
