import type { DecisionKind, Stage } from '../../schemas/domain.ts';
import { deadline } from '../core/calendar.ts';
import { countyOf } from '../core/jurisdiction.ts';
import { catalogueOf, type Route } from '../core/procedure.ts';
import { parseIso, startOfLocalDay, toIso } from '../core/time.ts';
import { milestonesOf } from '../core/timings.ts';
import type { CaseItem } from '../store/case.ts';
import type { MilestoneItem } from '../store/milestone.ts';
import { calendarOf, type Deps } from './deps.ts';

/**
 * The whole-case milestones a step of case `c` reaches at `at`, for the step's own CaseChange (so the timing
 * entry is written in the same transaction as the step), or undefined when it reaches none or its procedure has no
 * whole-procedure SLA. Each is due the `wholeIdentification` limit of the policy the case started with after the day the risk was found (the
 * application, for a case filed before `riskFoundAt` existed).
 */
export async function milestonesReached(
  deps: Deps,
  c: CaseItem,
  step: { stage: Stage; decision?: DecisionKind; route: Route },
  at: string,
): Promise<MilestoneItem[] | undefined> {
  const { sla } = catalogueOf(c.procedure);
  const kinds = milestonesOf(step);
  // the whole-procedure SLA is identification's (15 days from the risk found); a proposal has none
  if (kinds.length === 0 || !sla) return undefined;
  const calendar = await calendarOf(deps, countyOf(c.villageCode));
  const startedAt = c.riskFoundAt ? toIso(startOfLocalDay(c.riskFoundAt)) : c.createdAt;
  const dueAt = toIso(deadline(parseIso(startedAt), c.policy.limits[sla], calendar));
  return kinds.map((kind) => ({
    caseId: c.caseId,
    kind,
    villageCode: c.villageCode,
    startedAt,
    at,
    dueAt,
    ...(kind === 'county_decision' ? { decision: step.decision } : {}),
  }));
}
