import type { Limit } from './calendar.ts';
import { invalid } from './errors.ts';
import { DEFAULT_MIN_ENROLLED_MONTHS } from './monitoring.ts';

/** Where publicity sits: after county approval (default) or right after village review (many counties). */
export type StageOrder = 'standard' | 'publicity_after_village';

/**
 * What a village meeting's approval needs (民主评议): more votes for than against (`majority_of_cast`, the
 * default), more than half of those present (`majority_of_attendees`), or two thirds of the votes cast.
 */
export const VILLAGE_VOTE_RULES = [
  'majority_of_cast',
  'majority_of_attendees',
  'two_thirds_of_cast',
] as const;
export type VillageVoteRule = (typeof VILLAGE_VOTE_RULES)[number];
export const DEFAULT_VILLAGE_VOTE: VillageVoteRule = 'majority_of_cast';

/** Whether a meeting's votes carry an approval under the rule. */
export function votesCarry(
  rule: VillageVoteRule,
  v: { attendees: number; votesFor: number; votesAgainst: number },
): boolean {
  const cast = v.votesFor + v.votesAgainst;
  if (rule === 'majority_of_attendees') return v.votesFor * 2 > v.attendees;
  if (rule === 'two_thirds_of_cast') return v.votesFor * 3 >= cast * 2 && v.votesFor > 0;
  return v.votesFor > v.votesAgainst;
}

/** Per-county limits and options (docs/domain.md §7). A case keeps the policy it started with. */
export interface Policy {
  county: string;
  version: number;
  order: StageOrder;
  /** absent on policies stored before the rule existed: the default applies */
  villageVote?: VillageVoteRule;
  /**
   * The province's monitoring income line (防止返贫监测范围) per year, yuan per person: `{"2026": 7800}`. No
   * built-in default, since provinces set it; a year without one is not checked.
   */
  monitoringLine?: Record<string, number>;
  /** absent on policies stored before the rule existed: `minEnrolledMonths` 6 (core/monitoring) */
  riskElimination?: { minEnrolledMonths: number };
  limits: {
    village_review: Limit;
    township_verification: Limit;
    county_approval: Limit;
    objection_review: Limit;
    /** 复核: the township re-examines a rejection the applicant contests */
    reexamination: Limit;
    publicity: Limit;
    supplement: Limit;
    wholeIdentification: Limit;
  };
}

export function defaultPolicy(county: string): Policy {
  return {
    county,
    version: 0,
    order: 'standard',
    villageVote: DEFAULT_VILLAGE_VOTE,
    riskElimination: { minEnrolledMonths: DEFAULT_MIN_ENROLLED_MONTHS },
    limits: {
      village_review: { days: 3, unit: 'working' },
      township_verification: { days: 5, unit: 'working' },
      county_approval: { days: 3, unit: 'working' },
      objection_review: { days: 5, unit: 'working' },
      reexamination: { days: 5, unit: 'working' },
      publicity: { days: 5, unit: 'calendar' },
      supplement: { days: 15, unit: 'calendar' },
      wholeIdentification: { days: 15, unit: 'calendar' },
    },
  };
}

/**
 * The policy with every limit present: a policy stored (or snapshotted on a case) before a limit existed takes
 * that limit's default, so a stage added later still gets a due date. Limits the policy has are kept.
 */
export function withDefaultLimits(policy: Policy): Policy {
  return { ...policy, limits: { ...defaultPolicy(policy.county).limits, ...policy.limits } };
}

/** How long a household stays enrolled before a risk-elimination proposal: the county's rule, else 6 months. */
export const minEnrolledMonths = (policy: Pick<Policy, 'riskElimination'>): number =>
  policy.riskElimination?.minEnrolledMonths ?? DEFAULT_MIN_ENROLLED_MONTHS;

/** The line a household's income is held to in the year it filed, when its income lies above it. */
export function aboveMonitoringLine(
  policy: Pick<Policy, 'monitoringLine'>,
  income: number,
  year: string,
): { year: number; line: number } | undefined {
  const line = policy.monitoringLine?.[year];
  return line !== undefined && income > line ? { year: Number(year), line } : undefined;
}

/**
 * A filing above the year's monitoring line is never silently refused: it needs a `justification` (heavy rigid
 * spending, a sudden loss), then goes on flagged for the reviewers (the case view's `aboveMonitoringLine`).
 */
export function assertJustifiedAboveLine(
  policy: Pick<Policy, 'monitoringLine'>,
  household: { annualNetIncomePerCapita: number; justification?: string },
  year: string,
): void {
  const above = aboveMonitoringLine(policy, household.annualNetIncomePerCapita, year);
  if (above && !household.justification) {
    throw invalid('the income lies above the monitoring line: say why the household is still at risk', [
      {
        path: 'household.justification',
        rule: 'required_above_line',
        message: `income ${household.annualNetIncomePerCapita} is above the ${above.year} monitoring line of ${above.line} yuan per person`,
      },
    ]);
  }
}
