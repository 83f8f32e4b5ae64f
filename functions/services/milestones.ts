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
 * entry is written in the same transaction as the step), or undefined when it reaches none. An identification's
 * are timed from the day the risk was found (the application, for a case filed before `riskFoundAt` existed) and
 * due the `wholeIdentification` limit of the policy the case started with; a risk-elimination proposal's are
 * timed from its filing and have no due date (no whole-procedure limit applies to it, docs/domain.md §10).
 */
export async function milestonesReached(
  deps: Deps,
  c: CaseItem,
  step: { stage: Stage; decision?: DecisionKind; route: Route },
  at: string,
): Promise<MilestoneItem[] | undefined> {
  const { sla } = catalogueOf(c.procedure);
  const kinds = milestonesOf(step);
  if (kinds.length === 0) return undefined;
  // the whole-procedure SLA is identification's (15 days from the risk found); a proposal has none
  const startedAt = sla && c.riskFoundAt ? toIso(startOfLocalDay(c.riskFoundAt)) : c.createdAt;
  const dueAt = sla
    ? toIso(
        deadline(parseIso(startedAt), c.policy.limits[sla], await calendarOf(deps, countyOf(c.villageCode))),
      )
    : undefined;
  return kinds.map((kind) => ({
    caseId: c.caseId,
    procedure: c.procedure,
    kind,
    villageCode: c.villageCode,
    startedAt,
    at,
    ...(dueAt ? { dueAt } : {}),
    ...(kind === 'county_decision' ? { decision: step.decision } : {}),
  }));
}
