import type { CaseView, User } from '../../schemas/records.ts';
import type { ReexaminationRequest } from '../../schemas/reexamination.ts';
import { assertCanActForApplicant } from '../core/access.ts';
import { withDefaultLimits } from '../core/policy.ts';
import { reexaminationOf } from '../core/procedure.ts';
import { toIso } from '../core/time.ts';
import { actorOf, claimingGuards, guardClaims, startWorkflow, visibleCase } from './cases.ts';
import type { Deps } from './deps.ts';
import { retryOnStaleVersion } from './retry.ts';
import { proposalReopened } from './risk-elimination.ts';
import { enter } from './stage-entry.ts';
import { caseView } from './views.ts';

/** The re-examination's execution: the case's first one took the case id, and there is at most one more. */
export const reexaminationExecutionName = (caseId: string) => `${caseId}-reexamination`;

/**
 * The applicant (or the village cadre for them) asks for the re-examination (复核) of a rejection, once. In one
 * transaction conditioned on the case version: the case reopens at the township's re-examination stage, its
 * people are held again (a person with a case filed meanwhile is a 409 naming their field), and the
 * request is audited. Then a new execution of the identification state machine enters at that stage.
 */
export function requestReexamination(
  deps: Deps,
  user: User,
  caseId: string,
  body: ReexaminationRequest,
): Promise<CaseView> {
  return retryOnStaleVersion(() => requestOnce(deps, user, caseId, body));
}

async function requestOnce(
  deps: Deps,
  user: User,
  caseId: string,
  body: ReexaminationRequest,
): Promise<CaseView> {
  const c = await visibleCase(deps, user, caseId);
  assertCanActForApplicant(user, { villageCode: c.villageCode, applicantSub: c.applicant.sub });
  const rejectingStage = reexaminationOf(c);
  const now = deps.clock.now();
  const at = toIso(now);
  // a case filed before re-examination existed has no limit for it in its policy snapshot
  const policy = withDefaultLimits(c.policy);
  const { route } = await enter(
    deps,
    { caseId: c.caseId, policy, villageCode: c.villageCode },
    { target: 'reexamination' },
    now,
  );
  const name = reexaminationExecutionName(caseId);
  const enrolledCase = await proposalReopened(deps, c, at, actorOf(user));
  const { case: after } = await claimingGuards(deps, user, () =>
    deps.store.apply({
      before: c,
      set: {
        status: 'open',
        stage: 'reexamination',
        route,
        rejectingStage,
        reexaminationRequestedAt: at,
        executionArn: deps.workflow.executionArn(c.procedure, name),
        policy,
      },
      remove: ['closedAt'],
      audit: {
        at,
        actor: actorOf(user),
        action: 'reexamination_requested',
        stage: 'reexamination',
        comment: body.reason,
        data: { rejectingStage },
      },
      // a proposal's people stay with its enrolled case, which it becomes the open case of again
      ...(c.procedure === 'identification' ? { claimGuards: guardClaims(c.household) } : {}),
      enrolledCase,
    }),
  );
  await startWorkflow(deps, c.procedure, caseId, name, route);
  return caseView(after);
}
