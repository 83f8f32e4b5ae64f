/**
 * Assistance measures (帮扶措施, "一户一策"): who writes them, what a change may do, when one is overdue, and
 * the plan's counts the case keeps. Pure: the caller passes the county's today.
 */

import type { CaseStatus } from '../../schemas/domain.ts';
import type { MeasurePatch, MeasureStatus, MeasuresSummary } from '../../schemas/measure.ts';
import { conflict, invalid } from './errors.ts';

/** The fields of a measure these rules read and change. */
export interface MeasureState {
  status: MeasureStatus;
  plannedAt: string;
  implementedAt?: string;
  effect?: string;
  cancelReason?: string;
  version: number;
}

/** The plan as the case item keeps it: counts, the planned days of those still planned, the first implemented. */
export interface MeasurePlanState {
  planned: number;
  implemented: number;
  cancelled: number;
  plannedDates: string[];
  firstImplementedAt?: string;
}

/** Measures belong to the enrolled case ("the plan belongs to the enrolled case"): anything else is a 409. */
export function assertAcceptsMeasures(status: CaseStatus): void {
  if (status !== 'enrolled') {
    throw conflict(`the case is ${status}: measures and the contact belong to an enrolled case`, [
      { path: 'case.status', rule: 'enrolled' },
    ]);
  }
}

/** A day (YYYY-MM-DD) after the county's today is refused: nothing is implemented in the future. */
function assertNotFuture(path: string, date: string, today: string): void {
  if (date > today) {
    throw invalid('a date in the future', [
      { path, rule: 'not_in_future', message: `must be on or before ${today}` },
    ]);
  }
}

/**
 * What a PATCH makes of a measure read at `m`: the caller's version must be the stored one (409
 * `measure_version`), a status change only from `planned` (409 `measure_state`), no note on a cancelled
 * measure, an implemented date not in the future.
 */
export function patchedMeasure<M extends MeasureState>(m: M, patch: MeasurePatch, today: string): M {
  if (patch.expectedVersion !== m.version) {
    throw conflict(`the measure is at version ${m.version}, not ${patch.expectedVersion}; reload it`, [
      { path: 'expectedVersion', rule: 'measure_version' },
    ]);
  }
  if (patch.status && m.status !== 'planned') {
    throw conflict(`the measure is already ${m.status}`, [{ path: 'status', rule: 'measure_state' }]);
  }
  if (m.status === 'cancelled') {
    throw conflict('a cancelled measure takes no more changes', [{ path: 'status', rule: 'measure_state' }]);
  }
  if (patch.implementedAt) assertNotFuture('implementedAt', patch.implementedAt, today);
  return {
    ...m,
    ...(patch.status ? { status: patch.status } : {}),
    ...(patch.implementedAt ? { implementedAt: patch.implementedAt } : {}),
    ...(patch.effect ? { effect: patch.effect } : {}),
    ...(patch.reason ? { cancelReason: patch.reason } : {}),
  };
}

/** A measure still planned whose planned day has passed (county time) is overdue. */
export const isMeasureOverdue = (m: Pick<MeasureState, 'status' | 'plannedAt'>, today: string): boolean =>
  m.status === 'planned' && m.plannedAt < today;

/** The plan the case keeps after its measures became `measures`. */
export function planOf(measures: readonly Pick<MeasureState, 'status' | 'plannedAt' | 'implementedAt'>[]) {
  const plan: MeasurePlanState = { planned: 0, implemented: 0, cancelled: 0, plannedDates: [] };
  for (const m of measures) {
    plan[m.status]++;
    if (m.status === 'planned') plan.plannedDates.push(m.plannedAt);
    if (m.status === 'implemented' && m.implementedAt) {
      if (!plan.firstImplementedAt || m.implementedAt < plan.firstImplementedAt) {
        plan.firstImplementedAt = m.implementedAt;
      }
    }
  }
  plan.plannedDates.sort();
  return plan;
}

/** The plan's summary on a given day: counts by status and how many planned measures are overdue. */
export function summaryOf(plan: MeasurePlanState | undefined, today: string): MeasuresSummary {
  return {
    planned: plan?.planned ?? 0,
    implemented: plan?.implemented ?? 0,
    cancelled: plan?.cancelled ?? 0,
    overdue: plan?.plannedDates.filter((d) => d < today).length ?? 0,
  };
}

/** A targeted member must be one the household lists (head included): 400 `household_member` otherwise. */
export function assertTargetsMember(
  target: string | undefined,
  household: { head: { name: string }; members: readonly { name: string }[] },
): void {
  if (target === undefined) return;
  if (target === household.head.name || household.members.some((m) => m.name === target)) return;
  throw invalid('the targeted member is not in the household', [
    { path: 'targetMember', rule: 'household_member', message: 'name a person the household lists' },
  ]);
}
