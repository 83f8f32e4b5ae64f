/**
 * Stage-timing maths for the auditors' reports: pure functions over completed-stage records, no I/O.
 *
 * Percentiles use the **nearest-rank** definition on the selected rows: with the n values sorted ascending,
 * the p-th percentile is the value at 1-based rank ⌈p/100 · n⌉. It is always one of the observed values, so
 * it is exact (no interpolation) and an auditor can point at the stage record it came from.
 */
import type { DecisionKind, Stage } from '../../schemas/domain.ts';
import type { Route } from './procedure.ts';
import { localMonth, parseIso } from './time.ts';

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

/** Nearest-rank percentile of values sorted ascending (1 ≤ p ≤ 100; n ≥ 1). */
export function nearestRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('no values');
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

const round = (hours: number) => Math.round(hours * 10_000) / 10_000;

/** p50/p90/p95/max/mean of millisecond values, reported in hours. */
export function stats(valuesMs: readonly number[]): Stats {
  const sorted = [...valuesMs].sort((a, b) => a - b);
  const hours = (ms: number) => round(ms / HOUR_MS);
  return {
    p50: hours(nearestRank(sorted, 50)),
    p90: hours(nearestRank(sorted, 90)),
    p95: hours(nearestRank(sorted, 95)),
    max: hours(sorted[sorted.length - 1]!),
    mean: hours(sorted.reduce((s, v) => s + v, 0) / sorted.length),
  };
}

/** The group a row falls into: its stage, its township (9-digit code) or its decision month (CST). */
export function groupKey(row: TimingRow, by: TimingGroupBy): string {
  if (by === 'stage') return row.stage;
  if (by === 'township') return row.villageCode.slice(0, 9);
  return localMonth(parseIso(row.decidedAt));
}

/** True when the stage was decided after its due date. */
export const breached = (row: Pick<TimingRow, 'decidedAt' | 'dueAt'>): boolean =>
  parseIso(row.decidedAt) > parseIso(row.dueAt);

/**
 * Groups rows and summarises each group. Groups come in `order` first (e.g. the stage catalogue), then by key.
 */
export function summarize(
  rows: readonly TimingRow[],
  by: TimingGroupBy,
  order: readonly string[] = [],
): TimingGroup[] {
  const groups = new Map<string, TimingRow[]>();
  for (const row of rows) {
    const key = groupKey(row, by);
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  const rank = (k: string) => {
    const i = order.indexOf(k);
    return i < 0 ? order.length : i;
  };
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, list]) => {
      const opened = list.map((r) => parseIso(r.openedAt));
      const decided = list.map((r) => parseIso(r.decidedAt));
      const claimed = list.map((r, i) => (r.claimedAt ? parseIso(r.claimedAt) : decided[i]!));
      return {
        key,
        count: list.length,
        breaches: list.filter(breached).length,
        duration: stats(list.map((_, i) => decided[i]! - opened[i]!)),
        queue: stats(list.map((_, i) => claimed[i]! - opened[i]!)),
        work: stats(list.map((_, i) => decided[i]! - claimed[i]!)),
      };
    });
}

/** Every month from `from` to `to` inclusive (YYYY-MM); empty when `to` precedes `from`. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    if (month > to) return out;
    out.push(month);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
}

/** Whole days (a started day counts) from the due date to `endMs`: how late a decision was or an open task is. */
export function daysOver(dueAt: string, endMs: number): number {
  return Math.max(0, Math.ceil((endMs - parseIso(dueAt)) / 86_400_000));
}

/** The month `n` months before `month` (YYYY-MM). */
export function monthsBefore(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) - n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The whole-case measures, from the application: to the county's decision (approve or reject), to enrolment. */
export const MILESTONE_KINDS = ['county_decision', 'enrolled'] as const;
export type MilestoneKind = (typeof MILESTONE_KINDS)[number];

/** The county decides a case by approving or rejecting it at county approval; a return or send-back does not. */
const COUNTY_DECISIONS: readonly DecisionKind[] = ['approve', 'reject'];

/**
 * The whole-case milestones a step reaches: a county decision, and enrolment when its route ends there (both at
 * once where county approval is the last stage).
 */
export function milestonesOf(step: { stage: Stage; decision?: DecisionKind; route: Route }): MilestoneKind[] {
  const kinds: MilestoneKind[] = [];
  if (step.stage === 'county_approval' && step.decision && COUNTY_DECISIONS.includes(step.decision)) {
    kinds.push('county_decision');
  }
  if (step.route.target === 'end' && step.route.status === 'enrolled') kinds.push('enrolled');
  return kinds;
}
