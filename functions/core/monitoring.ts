/**
 * Dates the monitoring rules count from (docs/domain.md, 风险消除): when the risk was found, when a household
 * becomes eligible for risk elimination, and the county's yearly monitoring counts. Pure: the caller passes
 * now and the county's UTC offset (China Standard Time unless told otherwise).
 */
import { conflict, type ErrorDetail, invalid } from './errors.ts';
import { addDays, CST_OFFSET_MS, dateAt, parseIso } from './time.ts';

const daysInMonth = (year: number, month0: number) => new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();

/**
 * `date` plus `months` calendar months; a day the target month lacks becomes its last day (31 Aug + 6 months =
 * 28 Feb, or 29 in a leap year).
 */
export function addCalendarMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month0 = total - year * 12;
  const day = Math.min(d, daysInMonth(year, month0));
  return `${String(year).padStart(4, '0')}-${String(month0 + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The first day (county time) a household enrolled at `enrolledAt` may be proposed for risk elimination. */
export const riskEliminationEligibleOn = (enrolledAt: string, minMonths: number, offsetMs = CST_OFFSET_MS) =>
  addCalendarMonths(dateAt(parseIso(enrolledAt), offsetMs), minMonths);

/** Has a household enrolled at `enrolledAt` been monitored for at least `minMonths` calendar months at `nowMs`? */
export const eligibleForRiskElimination = (
  enrolledAt: string,
  minMonths: number,
  nowMs: number,
  offsetMs = CST_OFFSET_MS,
): boolean => dateAt(nowMs, offsetMs) >= riskEliminationEligibleOn(enrolledAt, minMonths, offsetMs);

/** The default of policy `riskElimination.minEnrolledMonths` (稳定消除风险6个月以上). */
export const DEFAULT_MIN_ENROLLED_MONTHS = 6;

/** The rules a risk-elimination proposal must pass, in the order a refusal names them. */
export const RISK_ELIMINATION_RULES = [
  'enrolled_months',
  'measure_implemented',
  'no_labour',
  'open_case',
] as const;
export type RiskEliminationRule = (typeof RISK_ELIMINATION_RULES)[number];

/** What the risk-elimination rules read of an enrolled case. */
export interface ProposalScope {
  enrolledAt: string;
  /** the earliest day (county time) one of its measures was implemented, if any was */
  firstImplementedAt?: string;
  members: readonly { ableToWork?: boolean }[];
  /** the household's other open case (a proposal already under way), if any */
  openCaseId?: string;
}

/** A failed rule as the API names it. */
export type RuleFailure = Required<ErrorDetail> & { rule: RiskEliminationRule };

/** Whether a proposal made today passes, the first day the dated rules allow one, and every rule that fails. */
export interface RiskEliminationCheck {
  eligible: boolean;
  eligibleFrom: string;
  failures: RuleFailure[];
}

/**
 * The one rule set of risk elimination (风险消除), for the proposal and its pre-check alike: enrolled for at
 * least `minMonths` calendar months (county time), a measure implemented on a day before the proposal's (seed
 * 004: 不能出现刚落实帮扶措施就宣布风险已消除), some member able to work (整户无劳动力 stays monitored), and no other
 * open case. `eligibleFrom` is the first day both dated rules hold (or would, once a measure is implemented).
 */
export function riskEliminationCheck(
  c: ProposalScope,
  minMonths: number,
  nowMs: number,
  offsetMs = CST_OFFSET_MS,
): RiskEliminationCheck {
  const today = dateAt(nowMs, offsetMs);
  const monthsFrom = riskEliminationEligibleOn(c.enrolledAt, minMonths, offsetMs);
  const measureFrom = c.firstImplementedAt ? addDays(c.firstImplementedAt, 1) : undefined;
  const failures: RuleFailure[] = [];
  if (today < monthsFrom) {
    failures.push({
      path: 'case.enrolledAt',
      rule: 'enrolled_months',
      message: `enrolled for less than ${minMonths} months: a proposal is possible from ${monthsFrom}`,
    });
  }
  if (!measureFrom || today < measureFrom) {
    failures.push({
      path: 'case.measures',
      rule: 'measure_implemented',
      message: measureFrom
        ? `the first measure was implemented on ${c.firstImplementedAt}: a proposal is possible from the day after`
        : 'no assistance measure is implemented yet',
    });
  }
  if (!c.members.some((m) => m.ableToWork === true)) {
    failures.push({
      path: 'case.household.members',
      rule: 'no_labour',
      message: 'no member is able to work (整户无劳动力): the household stays under monitoring',
    });
  }
  if (c.openCaseId) {
    failures.push({
      path: 'case.openProposalId',
      rule: 'open_case',
      message: `the household has another open case: ${c.openCaseId}`,
    });
  }
  const eligibleFrom = measureFrom && measureFrom > monthsFrom ? measureFrom : monthsFrom;
  return { eligible: failures.length === 0, eligibleFrom, failures };
}

/** A proposal refused: a 409 naming every rule that fails at once. */
export function assertRiskEliminable(check: RiskEliminationCheck): void {
  if (!check.eligible) {
    throw conflict(
      `risk elimination cannot be proposed: ${check.failures.map((f) => f.rule).join(', ')}`,
      check.failures,
    );
  }
}

/**
 * The day a filing says the risk was found: not after today, and not before the day the household's previous
 * case ended (400 naming `riskFoundAt` otherwise).
 */
export function assertRiskFoundAt(riskFoundAt: string, today: string, previousEndedOn?: string): void {
  if (riskFoundAt > today) {
    throw invalid('the risk cannot be found in the future', [
      { path: 'riskFoundAt', rule: 'not_in_future', message: `must be on or before ${today}` },
    ]);
  }
  if (previousEndedOn && riskFoundAt < previousEndedOn) {
    throw invalid("the risk was found before the household's previous case ended", [
      {
        path: 'riskFoundAt',
        rule: 'after_previous_case',
        message: `must be on or after ${previousEndedOn}, when the previous case ended`,
      },
    ]);
  }
}

/** A monitored case as the monitoring report counts it. */
export interface MonitoredCase {
  enrolledAt?: string;
  riskEliminatedAt?: string;
  previousCaseIds?: readonly string[];
  personCount: number;
  measurePlan?: { firstImplementedAt?: string };
}

export interface HouseholdCount {
  households: number;
  persons: number;
}

/** A county's monitoring year (防止返贫动态监测年度统计). */
export interface MonitoringCounts {
  /** under monitoring at the end of the year (or now, for the current year) */
  enrolled: HouseholdCount;
  /** enrolled during the year */
  newlyIdentified: HouseholdCount;
  /** whose risk was eliminated during the year */
  riskEliminated: HouseholdCount;
  /** enrolled during the year after an earlier case's risk was eliminated (返贫) */
  returnedToRisk: HouseholdCount;
  /** of those under monitoring at the end, how many had a measure implemented by then, and their share */
  withImplementedMeasure: { households: number; share: number };
}

/**
 * The monitoring counts of `year` (YYYY, county time) over every case the county enrolled before its end, as of
 * `nowMs`: a year not over yet counts up to now.
 */
export function monitoringCounts(
  cases: readonly MonitoredCase[],
  year: string,
  nowMs: number,
  offsetMs = CST_OFFSET_MS,
): MonitoringCounts {
  const endMs = Math.min(Date.parse(`${Number(year) + 1}-01-01T00:00:00Z`) - offsetMs, nowMs + 1);
  const dayOf = (iso: string) => dateAt(parseIso(iso), offsetMs);
  const inYear = (iso: string | undefined) => iso !== undefined && dayOf(iso).startsWith(`${year}-`);
  const zero = (): HouseholdCount => ({ households: 0, persons: 0 });
  const out = {
    enrolled: zero(),
    newlyIdentified: zero(),
    riskEliminated: zero(),
    returnedToRisk: zero(),
  };
  let implemented = 0;
  const add = (c: HouseholdCount, persons: number) => {
    c.households++;
    c.persons += persons;
  };
  for (const c of cases) {
    if (!c.enrolledAt || parseIso(c.enrolledAt) >= endMs) continue;
    const ended = c.riskEliminatedAt !== undefined && parseIso(c.riskEliminatedAt) < endMs;
    if (!ended) {
      add(out.enrolled, c.personCount);
      const first = c.measurePlan?.firstImplementedAt;
      if (first && first <= dateAt(endMs - 1, offsetMs)) implemented++;
    }
    if (inYear(c.enrolledAt)) {
      add(out.newlyIdentified, c.personCount);
      if (c.previousCaseIds?.length) add(out.returnedToRisk, c.personCount);
    }
    if (ended && inYear(c.riskEliminatedAt)) add(out.riskEliminated, c.personCount);
  }
  const share = out.enrolled.households ? implemented / out.enrolled.households : 0;
  return { ...out, withImplementedMeasure: { households: implemented, share } };
}
