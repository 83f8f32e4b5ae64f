import { randomUUID } from 'node:crypto';
import { env, resetClients, sfnClient } from '../commons/clients.ts';
import { type Clock, systemClock } from '../commons/clock.ts';
import { countyCalendar } from '../commons/holidays.ts';
import { STATE_MACHINE_ENV, stepFunctionsWorkflow } from '../commons/step-functions.ts';
import type { WorkCalendar } from '../core/calendar.ts';
import { defaultPolicy, type Policy, withDefaultLimits } from '../core/policy.ts';
import { Store } from '../store/store.ts';
import type { WorkflowPort } from './workflow-port.ts';

/** What the use cases need from the outside world; handlers pass the defaults, tests may pass their own. */
export interface Deps {
  store: Store;
  /** the procedures' state machines: the only way a use case reaches the workflow engine */
  workflow: WorkflowPort;
  clock: Clock;
  /** a new id: `prefix`, `_`, `hexDigits` random hex digits (default 20) */
  newId: (prefix: string, hexDigits?: number) => string;
}

let shared: Deps | undefined;

/** The process's deps, built on first use (after the environment is complete), shared by every handler. */
export function sharedDeps(): Deps {
  shared ??= defaultDeps();
  return shared;
}

/** Drops the shared deps and clients (a process hosting successive local runtimes). */
export function resetSharedDeps(): void {
  shared = undefined;
  resetClients();
}

export function defaultDeps(): Deps {
  return {
    store: Store.fromEnv(),
    workflow: stepFunctionsWorkflow(sfnClient(), (procedure) => env(STATE_MACHINE_ENV[procedure])),
    clock: systemClock,
    newId: (prefix, hexDigits = 20) => `${prefix}_${randomUUID().replaceAll('-', '').slice(0, hexDigits)}`,
  };
}

/** The county's current policy: what the admin stored (completed with limits added since), else the defaults. */
export async function policyOf(deps: Deps, county: string): Promise<Policy> {
  const stored = await deps.store.getPolicy(county);
  return stored ? withDefaultLimits(stored) : defaultPolicy(county);
}

/** The county's working-day calendar: the official schedule with the admin's overrides. */
export async function calendarOf(deps: Deps, county: string): Promise<WorkCalendar> {
  return countyCalendar(await deps.store.getCalendarOverrides(county));
}

/** Whole seconds from now until `ms`, at least 1 (Step Functions' minimum timeout). */
export const secondsUntil = (deps: Deps, ms: number) =>
  Math.max(1, Math.ceil((ms - deps.clock.now()) / 1000));
