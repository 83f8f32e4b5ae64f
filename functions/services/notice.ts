import type { User } from '../../schemas/records.ts';
import { assertCanSeeCase } from '../core/access.ts';
import { conflict, notFound } from '../core/errors.ts';
import { noticeContent, noticePassage, renderNotice } from '../core/notice.ts';
import type { Deps } from './deps.ts';

/**
 * The publicity notice (公示) of the case's latest publicity, as HTML: readable by anyone who may see the case.
 * Its period comes from the trail's last `publicity_started` record, so a second publicity (after an upheld
 * objection) shows its own dates; its preamble names the stages the case passed (in its county's order) and its
 * risk types are those the township confirmed. 409 before any publicity started.
 */
export async function publicityNotice(deps: Deps, user: User, caseId: string): Promise<string> {
  const { case: c, trail } = await deps.store.getCaseWithTrail(caseId);
  if (!c) throw notFound('case');
  assertCanSeeCase(user, { villageCode: c.villageCode, applicantSub: c.applicant.sub });
  const started = trail.findLast((r) => r.action === 'publicity_started');
  const endsAt = started?.data?.endsAt;
  if (!started || typeof endsAt !== 'string') {
    throw conflict('the case has not been publicised yet', [{ path: 'case.stage', rule: 'publicised' }]);
  }
  return renderNotice(noticeContent(c, c.household, noticePassage(trail), { startsAt: started.at, endsAt }));
}
