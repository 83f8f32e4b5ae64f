/**
 * Dates the monitoring rules count from (docs/domain.md, 风险消除): when the risk was found, when a household
 * becomes eligible for risk elimination, and the county's yearly monitoring counts. Pure: the caller passes
 * now and the county's UTC offset (China Standard Time unless told otherwise).
 */
import { invalid } from './errors.ts';
import { CST_OFFSET_MS, dateAt, parseIso } from './time.ts';

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
