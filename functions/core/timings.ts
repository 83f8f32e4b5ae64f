/**
 * Stage-timing maths for the auditors' reports: pure functions over completed-stage records, no I/O.
 *
 * Percentiles use the **nearest-rank** definition on the selected rows: with the n values sorted ascending,
 * the p-th percentile is the value at 1-based rank ⌈p/100 · n⌉. It is always one of the observed values, so
 * it is exact (no interpolation) and an auditor can point at the stage record it came from.
 */
import type { DecisionKind, Procedure, Stage } from '../../schemas/domain.ts';
import { townshipOf } from './jurisdiction.ts';
import type { Route } from './procedure.ts';
import { DAY_MS, localMonth, parseIso, startOfLocalDay } from './time.ts';

const HOUR_MS = 3_600_000;

/** One completed stage task, as the timing index holds it. */
export interface TimingRow {
  stage: string;
  villageCode: string;
  openedAt: string;
  /** the claim, or the decision itself when the reviewer decided without claiming */
  claimedAt?: string;
  decidedAt: string;
  dueAt: string;
}

export type TimingGroupBy = 'stage' | 'township' | 'month';

/** Summary of one measure, in hours (4 decimals). */
export interface Stats {
  p50: number;
  p90: number;
  p95: number;
  max: number;
  mean: number;
}

export interface TimingGroup {
  key: string;
  count: number;
  /** decided after the due date the task was opened with (the policy the case started with) */
  breaches: number;
  /** opened → decided */
  duration: Stats;
  /** opened → claimed */
  queue: Stats;
  /** claimed → decided */
  work: Stats;
}

/** Where the nearest-rank percentile p (1 ≤ p ≤ 100) of n ≥ 1 values sits once they are sorted ascending. */
const nearestRankIndex = (n: number, p: number) => Math.max(1, Math.ceil((p / 100) * n)) - 1;

/** Nearest-rank percentile of values sorted ascending (1 ≤ p ≤ 100; n ≥ 1). */
export function nearestRank(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new Error('no values');
  return sorted[nearestRankIndex(sorted.length, p)]!;
}

const round = (hours: number) => Math.round(hours * 10_000) / 10_000;

/**
 * Rearranges `a[lo..hi]` so that `a[k]` holds the value it would hold sorted, with nothing greater before it and
 * nothing smaller after it (Hoare's selection, median-of-three pivot): linear on average, where a sort is n log n.
 */
function selectRank(a: Float64Array, k: number, lo: number, hi: number): void {
  while (hi > lo) {
    const x = a[lo]!;
    const y = a[(lo + hi) >> 1]!;
    const z = a[hi]!;
    const pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z)); // the median of the three
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/**
 * p50/p90/p95/max/mean of millisecond values, reported in hours. The three ranks are selected, not sorted for
 * (p95 first, then p90 and p50 among the values below it): a year of a county is hundreds of thousands of records
 * per report, and a selection is several times faster than a sort. The mean of whole milliseconds is exact in any
 * order.
 */
export function stats(valuesMs: ArrayLike<number>): Stats {
  const values = Float64Array.from(valuesMs);
  const n = values.length;
  if (n === 0) throw new Error('no values');
  const [r50, r90, r95] = [nearestRankIndex(n, 50), nearestRankIndex(n, 90), nearestRankIndex(n, 95)];
  selectRank(values, r95, 0, n - 1);
  selectRank(values, r90, 0, r95);
  selectRank(values, r50, 0, r90);
  let max = values[r95]!;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += values[i]!;
    if (i > r95 && values[i]! > max) max = values[i]!;
  }
  const hours = (ms: number) => round(ms / HOUR_MS);
  return {
    p50: hours(values[r50]!),
    p90: hours(values[r90]!),
    p95: hours(values[r95]!),
    max: hours(max),
    mean: hours(sum / n),
  };
}

/** True when the stage was decided after its due date. */
export const breached = (row: Pick<TimingRow, 'decidedAt' | 'dueAt'>): boolean =>
  parseIso(row.decidedAt) > parseIso(row.dueAt);

/**
 * The completed stages of one (stage, township, decision month): all the statistics need, nothing else. Once
 * the month is settled its samples never change, so they are stored once and merged into any later report.
 */
export interface TimingSample {
  stage: string;
  /** 9-digit township code */
  township: string;
  /** decision month, YYYY-MM (CST) */
  month: string;
  breaches: number;
  /** opened → claimed of each record */
  queueMs: number[];
  /** claimed → decided of each record, in the same order: duration = queue + work */
  workMs: number[];
}

/**
 * A duration to the whole second, in milliseconds: a stage takes hours to days, and a sample stored at this
 * resolution (int32 seconds, functions/store/samples.ts) then answers exactly what the records answer.
 */
const toWholeSeconds = (ms: number) => Math.round(ms / 1000) * 1000;

/**
 * Rows as samples, one per (stage, township, decision month), in the order each first appears; queue and work
 * times to the whole second.
 */
export function samplesOf(rows: readonly TimingRow[]): TimingSample[] {
  const samples = new Map<string, TimingSample>();
  for (const row of rows) {
    const township = townshipOf(row.villageCode);
    const month = localMonth(parseIso(row.decidedAt));
    const id = `${row.stage}|${township}|${month}`;
    let sample = samples.get(id);
    if (!sample) {
      sample = { stage: row.stage, township, month, breaches: 0, queueMs: [], workMs: [] };
      samples.set(id, sample);
    }
    const opened = parseIso(row.openedAt);
    const decided = parseIso(row.decidedAt);
    const claimed = row.claimedAt ? parseIso(row.claimedAt) : decided;
    sample.queueMs.push(toWholeSeconds(claimed - opened));
    sample.workMs.push(toWholeSeconds(decided - claimed));
    if (breached(row)) sample.breaches++;
  }
  return [...samples.values()];
}

/**
 * Merges samples into groups by stage, township or month and summarises each group. Groups come in `order`
 * first (e.g. the stage catalogue), then by key. The result does not depend on how rows were split into samples.
 */
export function summarizeSamples(
  samples: readonly TimingSample[],
  by: TimingGroupBy,
  order: readonly string[] = [],
): TimingGroup[] {
  const groups = new Map<string, TimingSample[]>();
  for (const sample of samples) {
    if (sample.queueMs.length === 0) continue;
    const key = sample[by];
    const list = groups.get(key);
    if (list) list.push(sample);
    else groups.set(key, [sample]);
  }
  const rank = (k: string) => {
    const i = order.indexOf(k);
    return i < 0 ? order.length : i;
  };
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, list]) => {
      const count = list.reduce((n, s) => n + s.queueMs.length, 0);
      const queue = new Float64Array(count);
      const work = new Float64Array(count);
      const duration = new Float64Array(count);
      let i = 0;
      for (const s of list) {
        for (let j = 0; j < s.queueMs.length; j++, i++) {
          queue[i] = s.queueMs[j]!;
          work[i] = s.workMs[j]!;
          duration[i] = queue[i]! + work[i]!;
        }
      }
      return {
        key,
        count,
        breaches: list.reduce((n, s) => n + s.breaches, 0),
        duration: stats(duration),
        queue: stats(queue),
        work: stats(work),
      };
    });
}

/** One cell of the SLA heatmap: a township's records of one stage, and how many were decided late. */
export interface BreachCell {
  township: string;
  stage: string;
  count: number;
  breaches: number;
}

/** Records and breaches per township × stage, townships in order, stages in `order` first (then by name). */
export function breachCells(samples: readonly TimingSample[], order: readonly string[] = []): BreachCell[] {
  const cells = new Map<string, BreachCell>();
  for (const s of samples) {
    if (s.queueMs.length === 0) continue;
    const id = `${s.township}|${s.stage}`;
    const cell = cells.get(id) ?? { township: s.township, stage: s.stage, count: 0, breaches: 0 };
    cell.count += s.queueMs.length;
    cell.breaches += s.breaches;
    cells.set(id, cell);
  }
  const rank = (k: string) => {
    const i = order.indexOf(k);
    return i < 0 ? order.length : i;
  };
  return [...cells.values()].sort(
    (a, b) =>
      (a.township < b.township ? -1 : a.township > b.township ? 1 : 0) ||
      rank(a.stage) - rank(b.stage) ||
      (a.stage < b.stage ? -1 : a.stage > b.stage ? 1 : 0),
  );
}

/** Groups rows and summarises each group (summarizeSamples of the rows' samples). */
export function summarize(
  rows: readonly TimingRow[],
  by: TimingGroupBy,
  order: readonly string[] = [],
): TimingGroup[] {
  return summarizeSamples(samplesOf(rows), by, order);
}

/** How long after a month ends before it is settled: a decision taken in its last second may commit later. */
export const MONTH_SETTLE_MS = DAY_MS;

/** True once no new record can join `month` (YYYY-MM, CST): the month ended at least MONTH_SETTLE_MS ago. */
export function isSettledMonth(month: string, nowMs: number): boolean {
  return nowMs >= startOfLocalDay(`${monthsBefore(month, -1)}-01`) + MONTH_SETTLE_MS;
}

/** How many months `from` to `to` inclusive span (YYYY-MM); 0 or less when `to` precedes `from`. No loop. */
export const monthCount = (from: string, to: string): number => monthIndex(to) - monthIndex(from) + 1;

const monthIndex = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return y * 12 + (m - 1);
};

/**
 * Every month from `from` to `to` inclusive (YYYY-MM); empty when `to` precedes `from`. Callers bound the span
 * first (monthCount), so a window ending in year 9999 costs nothing before it is refused.
 */
export function monthsBetween(from: string, to: string): string[] {
  return Array.from({ length: Math.max(0, monthCount(from, to)) }, (_, i) => monthsBefore(from, -i));
}

/** Whole days (a started day counts) from the due date to `endMs`: how late a decision was or an open task is. */
export function daysOver(dueAt: string, endMs: number): number {
  return Math.max(0, Math.ceil((endMs - parseIso(dueAt)) / 86_400_000));
}

/** The month `n` months before `month` (YYYY-MM). */
export function monthsBefore(month: string, n: number): string {
  const index = monthIndex(month) - n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * The whole-case measures, from the application: to the county's decision (approve or reject), to the
 * procedure's success (an identification's enrolment, a proposal's risk eliminated).
 */
export const MILESTONE_KINDS = ['county_decision', 'enrolled', 'risk_eliminated'] as const;
export type MilestoneKind = (typeof MILESTONE_KINDS)[number];
/** The whole-case measures of each procedure: the county's decision, then its success. */
export const MILESTONES_OF: Readonly<Record<Procedure, readonly [MilestoneKind, MilestoneKind]>> = {
  identification: ['county_decision', 'enrolled'],
  risk_elimination: ['county_decision', 'risk_eliminated'],
};

/** The county decides a case by approving or rejecting it at county approval; a return or send-back does not. */
const COUNTY_DECISIONS: readonly DecisionKind[] = ['approve', 'reject'];

/**
 * The whole-case milestones a step reaches: a county decision, and enrolment (risk eliminated, for a proposal)
 * when its route ends there (both at once where county approval is the last stage).
 */
export function milestonesOf(step: { stage: Stage; decision?: DecisionKind; route: Route }): MilestoneKind[] {
  const kinds: MilestoneKind[] = [];
  if (step.stage === 'county_approval' && step.decision && COUNTY_DECISIONS.includes(step.decision)) {
    kinds.push('county_decision');
  }
  if (step.route.target === 'end' && step.route.status === 'enrolled') kinds.push('enrolled');
  if (step.route.target === 'end' && step.route.status === 'risk_eliminated') kinds.push('risk_eliminated');
  return kinds;
}
