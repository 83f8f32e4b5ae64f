/**
 * What entering a route takes before the workflow is handed it (docs/architecture.md §4). A human stage's task is
 * planned by whoever chose the route — its id, due date and escalation instant — so the stage's one workflow step
 * opens exactly that task, and the state machine knows its wait's timeout before the step runs. Publicity is
 * started by the step that chose it, in that step's own transaction: the state machine only waits for its end.
 */
import { deadline } from '../core/calendar.ts';
import { escalationAt } from '../core/escalation.ts';
import { countyOf } from '../core/jurisdiction.ts';
import {
  type HumanStage,
  humanStageOf,
  type PlannedTask,
  type Route,
  STAGE_SPECS,
} from '../core/procedure.ts';
import { parseIso, toIso } from '../core/time.ts';
import type { AuditEntry } from '../store/audit.ts';
import type { CaseItem } from '../store/case.ts';
import { taskIdOf } from '../store/keys.ts';
import { SYSTEM } from './cases.ts';
import { calendarOf, type Deps, secondsUntil } from './deps.ts';

/** What a route is planned on: the case's policy snapshot and its place (whose calendar counts the days). */
type Planning = Pick<CaseItem, 'caseId' | 'policy' | 'villageCode'>;

/** A route as entered: the route to store and hand over, and what entering it changes on the case, audited. */
export interface Entry {
  route: Route;
  set?: Partial<CaseItem>;
  audit?: AuditEntry;
}

/** The route with the wait its stage's step needs: a timeout until its task escalates (≥ 1 s). */
export const armed = (deps: Deps, route: Route): Route =>
  'task' in route && route.task
    ? { ...route, timeoutSeconds: secondsUntil(deps, parseIso(route.task.escalateAt)) }
    : route;

/** The publicity `c` starts at `now`: it ends the policy period later, on the county's calendar. */
export async function publicityStart(deps: Deps, c: Planning, now: number): Promise<Required<Entry>> {
  const endsAt = toIso(
    deadline(now, c.policy.limits.publicity, await calendarOf(deps, countyOf(c.villageCode))),
  );
  return {
    route: { target: 'publicity', endsAt },
    set: { stage: 'publicity', status: 'open', publicityEndsAt: endsAt },
    audit: {
      at: toIso(now),
      actor: SYSTEM,
      action: 'publicity_started',
      stage: 'publicity',
      data: { endsAt },
    },
  };
}

/** The task `stage` opens when entered at `now`: a new id (naming its case), the stage limit's due date, its escalation. */
async function planTask(deps: Deps, c: Planning, stage: HumanStage, now: number): Promise<PlannedTask> {
  const limit = c.policy.limits[STAGE_SPECS[stage].limit];
  const due = deadline(now, limit, await calendarOf(deps, countyOf(c.villageCode)));
  // unique within its case, which its id names in full
  const taskId = taskIdOf(deps.newId('task', 8), c.caseId);
  return { taskId, openedAt: toIso(now), dueAt: toIso(due), escalateAt: toIso(escalationAt(taskId, due)) };
}

/**
 * Enters `route` from `c` at `now`: a human stage gets its task planned, publicity is started (the caller writes
 * `set` and `audit` in its own transaction), any other route is entered as it is.
 */
export async function enter(deps: Deps, c: Planning, route: Route, now: number): Promise<Entry> {
  if (route.target === 'publicity') return publicityStart(deps, c, now);
  const stage = humanStageOf(route);
  return stage ? { route: { target: stage, task: await planTask(deps, c, stage, now) } } : { route };
}

/** `route` with its task planned now when it enters a stage without one (stored before tasks were planned). */
export async function planned(deps: Deps, c: Planning, route: Route): Promise<Route> {
  const stage = humanStageOf(route);
  if (!stage || ('task' in route && route.task)) return route;
  return { target: stage, task: await planTask(deps, c, stage, deps.clock.now()) };
}
