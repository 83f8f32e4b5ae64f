import type { HouseholdCase } from '../../schemas/household.ts';
import type { User } from '../../schemas/records.ts';
import { canSeeCase } from '../core/access.ts';
import { notFound } from '../core/errors.ts';
import type { CaseItem } from '../store/case.ts';
import type { Deps } from './deps.ts';

/**
 * A household's whole history, oldest first: one Query on the household index, then its cases by key. The caller reads the cases a
 * reviewer of their jurisdiction reads (an applicant only the cases they filed);
 * a household none of whose cases they may read is a 404, as an unknown one.
 */
export async function householdHistory(
  deps: Deps,
  user: User,
  householdId: string,
): Promise<{ items: HouseholdCase[] }> {
  const records = await deps.store.householdCases(householdId);
  const readable = records.filter((r) =>
    canSeeCase(user, { villageCode: r.villageCode, applicantSub: r.applicant.sub }),
  );
  if (readable.length === 0) throw notFound('household');
  return { items: readable.map(historyView) };
}

const historyView = (r: CaseItem): HouseholdCase => ({
  caseId: r.caseId,
  procedure: r.procedure,
  status: r.status,
  stage: r.stage,
  villageCode: r.villageCode,
  createdAt: r.createdAt,
  ...(r.riskFoundAt ? { riskFoundAt: r.riskFoundAt } : {}),
  ...(r.enrolledAt ? { enrolledAt: r.enrolledAt } : {}),
  ...(r.riskEliminatedAt ? { riskEliminatedAt: r.riskEliminatedAt } : {}),
  ...(r.closedAt ? { closedAt: r.closedAt } : {}),
  ...(r.previousCaseIds?.length ? { previousCaseIds: r.previousCaseIds } : {}),
});
