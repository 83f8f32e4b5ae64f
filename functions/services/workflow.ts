import { escalationTarget, taskJurisdiction } from '../core/access.ts';
import { deadline } from '../core/calendar.ts';
import { conflict, DomainError, notFound } from '../core/errors.ts';
import { dueOfEscalation, escalationAt } from '../core/escalation.ts';
import { executionNameOf, nextExecutionName, renewalDueAt } from '../core/execution.ts';
import { countyOf } from '../core/jurisdiction.ts';
import {
  catalogueOf,
  type HumanStage,
  isTerminal,
  type PlannedTask,
  type Route,
  routeAfterPublicity,
  STAGE_SPECS,
  statusOn,
} from '../core/procedure.ts';
import { parseIso, toIso } from '../core/time.ts';
import { type CaseItem, heldGuards } from '../store/case.ts';
import type { TaskItem } from '../store/task.ts';
import { SYSTEM, startWorkflow } from './cases.ts';
import { calendarOf, type Deps, secondsUntil } from './deps.ts';
import { milestonesReached } from './milestones.ts';
import { retryOnStaleVersion } from './retry.ts';
import { proposalEnd } from './risk-elimination.ts';
import { armed, enter, publicityStart } from './stage-entry.ts';

/** The execution carrying the step: when it started (`$$.Execution.StartTime`), epoch ms. */
export type ExecutionStart = number | undefined;

/**
 * A stage's wait as an escalation re-arms it (the stage's route, its task and the timeout before the next
 * escalation); `renew` when the execution is old enough to hand the case over to a fresh one.
 */
export type StageWait = Route & {
  target: HumanStage;
  task: PlannedTask;
  timeoutSeconds: number;
  renew?: true;
  /** this step flagged the task overdue (an early or answered wake-up escalates nothing) */
  escalated?: true;
};

/** A wait of `seconds` that ends by the execution's renewal at the latest. */
const boundedWait = (deps: Deps, seconds: number, startedAt: ExecutionStart) =>
  startedAt === undefined ? seconds : Math.min(seconds, secondsUntil(deps, renewalDueAt(startedAt)));

async function liveCase(deps: Deps, caseId: string): Promise<CaseItem> {
  const c = await deps.store.getCase(caseId);
  if (!c) throw notFound(`case ${caseId}`);
  return c;
}

/**
 * The wait's timeout when the stage's task was decided before its escalation came due: it only guards a lost
 * callback, so it is the longest Step Functions allows. A short one would expire before the answer under a high
 * TIME_SCALE (or a Lambda cold start), and the workflow would go round escalate → wait again.
 */
export const ANSWERED_AT_ONCE = 365 * 86_400;

const waitOf = (deps: Deps, t: TaskItem, startedAt: ExecutionStart): StageWait => ({
  target: t.stage,
  task: { taskId: t.taskId, openedAt: t.openedAt, dueAt: t.dueAt, escalateAt: t.escalateAt },
  timeoutSeconds: boundedWait(deps, secondsUntil(deps, parseIso(t.escalateAt)), startedAt),
});

/** The route a task's decision took, armed for the next stage's wait; a done task without one is a conflict. */
async function decidedRoute(deps: Deps, taskId: string): Promise<Route> {
  const task = await deps.store.getTask(taskId);
  if (!task?.route) throw conflict(`task ${taskId} is done without a route`);
  return armed(deps, task.route);
}

/**
 * A human stage's one workflow step, a callback task: opens the task `planned` (the route's, whose escalation the
 * wait's timeout counts down to) and binds the callback token to it, in one transaction: the case moves to the
 * stage, the task enters the inbox of the stage's role and jurisdiction with its due date, audited. The decision
 * API completes the callback with the route it takes. Idempotent: when the case already has an open task for
 * this stage (a retried step, an escalation's new wait, a resumed workflow) the token is bound to that one; when
 * that task was decided before the token could be bound, its route is sent at once, so no decision is lost.
 */
export async function openStage(
  deps: Deps,
  caseId: string,
  stage: HumanStage,
  planned: PlannedTask,
  token: string,
): Promise<void> {
  const existing = await retryOnStaleVersion(async () => {
    const c = await liveCase(deps, caseId);
    // Withdrawn while the workflow was on its way here, or decided after this execution was started at the stage
    // (a resumed, renewed or migrated case whose first step ran late): the case's own route continues it.
    if (isTerminal(c.status) || c.route.target !== stage) return { route: armed(deps, c.route) };
    if (c.openTaskId) {
      const task = await deps.store.getTask(c.openTaskId);
      if (task && task.stage === stage && task.status !== 'done') return { taskId: task.taskId };
    }
    const spec = STAGE_SPECS[stage];
    const at = toIso(deps.clock.now());
    const task: TaskItem = {
      taskId: planned.taskId,
      caseId,
      procedure: c.procedure,
      stage,
      role: spec.role,
      jurisdiction: taskJurisdiction(stage, c.villageCode),
      villageCode: c.villageCode,
      headName: c.household.head.name,
      status: 'open',
      openedAt: planned.openedAt,
      dueAt: planned.dueAt,
      escalateAt: planned.escalateAt,
      escalations: 0,
      overdue: false,
      taskToken: token,
    };
    await deps.store.apply({
      before: c,
      set: { stage, status: 'open', openTaskId: task.taskId },
      audit: {
        at,
        actor: SYSTEM,
        action: 'task_opened',
        stage,
        data: { taskId: task.taskId, role: task.role, jurisdiction: task.jurisdiction, dueAt: task.dueAt },
      },
      putTask: task,
    });
    return {};
  });
  if (existing.route) return deps.workflow.send(token, existing.route);
  if (!existing.taskId) return;
  // Bound: a decision or withdrawal committed later was conditioned on the token it read (sameToken), so it
  // resumes this one. Refused: the task was decided first, and its route goes to this token now.
  if (await deps.store.bindTaskToken(existing.taskId, token)) return;
  await deps.workflow.send(token, await decidedRoute(deps, existing.taskId));
}

/**
 * The task's wait ended: when past its due date, flag it overdue and tell the next level up, once per due date,
 * then wait again until the next escalation (one more stage limit). Never decides anything. An execution old
 * enough to renew (its wait ended at the renewal) answers `renew`: the workflow hands the case to a fresh one.
 */
export async function escalate(
  deps: Deps,
  taskId: string,
  startedAt?: ExecutionStart,
  planned?: Pick<StageWait, 'target' | 'task'>,
): Promise<StageWait> {
  const result = await escalateTask(deps, taskId, startedAt, planned);
  const renew = startedAt !== undefined && deps.clock.now() >= renewalDueAt(startedAt);
  return renew ? { ...result, renew: true } : result;
}

/**
 * `planned`: the wait's route. Its task may not exist yet: the wait's timeout runs from when the stage's step
 * started, so an escalation instant already near (a route handed over late) can time the wait out while the step
 * is still opening the task; the stage then waits again, until that instant, and its step finds the task.
 */
function escalateTask(
  deps: Deps,
  taskId: string,
  startedAt: ExecutionStart,
  planned?: Pick<StageWait, 'target' | 'task'>,
): Promise<StageWait> {
  return retryOnStaleVersion(async () => {
    const task = await deps.store.getTask(taskId);
    if (!task && planned) {
      const seconds = secondsUntil(deps, parseIso(planned.task.escalateAt));
      return {
        target: planned.target,
        task: planned.task,
        timeoutSeconds: boundedWait(deps, seconds, startedAt),
      };
    }
    if (!task) throw notFound(`task ${taskId}`);
    if (task.status === 'done') {
      return {
        ...waitOf(deps, task, startedAt),
        timeoutSeconds: boundedWait(deps, ANSWERED_AT_ONCE, startedAt),
      };
    }
    const now = deps.clock.now();
    if (now < parseIso(task.escalateAt)) return waitOf(deps, task, startedAt);
    const c = await liveCase(deps, task.caseId);
    const next = escalationAt(
      taskId,
      deadline(
        dueOfEscalation(taskId, parseIso(task.escalateAt)),
        c.policy.limits[STAGE_SPECS[task.stage].limit],
        await calendarOf(deps, countyOf(c.villageCode)),
      ),
    );
    const at = toIso(now);
    try {
      const { task: after } = await deps.store.apply({
        before: c,
        audit: {
          at,
          actor: SYSTEM,
          action: 'escalated',
          stage: task.stage,
          data: {
            taskId,
            dueAt: task.dueAt,
            escalation: task.escalations + 1,
            notify: escalationTarget(task),
          },
        },
        updateTask: {
          before: task,
          expect: ['open', 'claimed'],
          set: { overdue: true, escalations: task.escalations + 1, escalateAt: toIso(next) },
        },
      });
      return { ...waitOf(deps, after!, startedAt), escalated: true };
    } catch (e) {
      // Decided after the task was read but before the case was: not a failure, the run again finds it done.
      if (e instanceof DomainError && e.details.some((d) => d.rule === 'task_state'))
        return escalateTask(deps, taskId, startedAt, planned);
      throw e;
    }
  });
}

/**
 * Binds the supplement wait's token; if the supplement already arrived, continue at once on the case's route
 * (its stage again, or the end when it was withdrawn before the token was bound).
 */
export async function awaitSupplement(deps: Deps, caseId: string, token: string): Promise<void> {
  if (await deps.store.bindSupplementToken(caseId, token)) return;
  const c = await liveCase(deps, caseId);
  await deps.workflow.complete(token, armed(deps, c.route));
}

/** No supplement within the policy limit: the case is withdrawn, and the trail says why. */
export function withdrawUnsupplemented(deps: Deps, caseId: string): Promise<Route> {
  return retryOnStaleVersion(async () => {
    const c = await liveCase(deps, caseId);
    // Supplemented meanwhile: back to its stage. Already ended (a replayed step, or withdrawn by the applicant):
    // the route it ended on, and no second record.
    if (c.status !== 'returned') return armed(deps, c.route);
    const at = toIso(deps.clock.now());
    const limit = c.policy.limits.supplement;
    const route: Route = { target: 'end', status: 'withdrawn' };
    await deps.store.apply({
      before: c,
      set: { status: statusOn(route), closedAt: at, route },
      remove: ['supplementToken'],
      audit: {
        at,
        actor: SYSTEM,
        action: 'withdrawn',
        stage: c.stage,
        comment: `no supplement within ${limit.days} ${limit.unit} days`,
        data: { reason: 'no_supplement', supplementDueAt: c.supplementDueAt },
      },
      releaseGuards: heldGuards(c),
      enrolledCase: await proposalEnd(deps, c, route, at, SYSTEM),
    });
    return route;
  });
}

/**
 * Starts the publicity period of a case whose decision to publicity was stored before decisions started it
 * themselves (the state machine enters here only for a route to publicity without `endsAt`); idempotent on a case
 * already in publicity (keeps its end). Returns the route with its end, for the Wait.
 */
export function startPublicity(deps: Deps, caseId: string): Promise<Route> {
  return retryOnStaleVersion(async () => {
    const c = await liveCase(deps, caseId);
    if (c.stage === 'publicity' && c.publicityEndsAt)
      return { target: 'publicity', endsAt: c.publicityEndsAt };
    const { route, set, audit } = await publicityStart(deps, c, deps.clock.now());
    await deps.store.apply({ before: c, set: { ...set, route }, audit });
    return route;
  });
}

/**
 * Publicity ended: with no open objection the case goes onwards, which on the standard order means the household
 * is enrolled, and the execution ends. With one, the case goes back to review in a fresh execution: the case names
 * it (in the same transaction as its record), it starts at the review's stage, and this one ends — so the
 * publicity's happy path takes no Choice after its close. Idempotent: once closed, it answers the route taken and
 * starts the fresh execution again (Step Functions answers a second start of the same name as already running);
 * a close retried after that execution moved the case on answers the route without touching anything.
 */
export async function closePublicity(deps: Deps, caseId: string, executionName?: string): Promise<Route> {
  const closed = await retryOnStaleVersion(async () => {
    const c = await liveCase(deps, caseId);
    const current = c.executionArn ? executionNameOf(c.executionArn) : undefined;
    // Handed over already (a retried step): the fresh execution carries the case, whatever stage it reached.
    if (executionName && current && current !== executionName) {
      return { route: c.route, handOver: { procedure: c.procedure, name: current } };
    }
    if (c.stage !== 'publicity') throw conflict(`case ${caseId} is not in publicity`);
    // Already closed (a retried or replayed step): the route it took, and no second record.
    if (c.route.target !== 'publicity') return { route: c.route, handOver: handOverOf(c, current) };
    // A concurrent objection bumps the case version, so the apply below fails and this count is taken again.
    const openObjections = (await deps.store.openObjections(caseId)).length;
    const route = routeAfterPublicity(catalogueOf(c.procedure), c.policy.order, openObjections);
    const now = deps.clock.now();
    const at = toIso(now);
    const ended = route.target === 'end';
    const entry = await enter(deps, c, route, now);
    const next = ended ? undefined : nextExecutionName(executionName ?? current ?? caseId);
    await deps.store.apply({
      before: c,
      set: ended
        ? {
            status: statusOn(route),
            closedAt: at,
            route,
            ...(route.status === 'enrolled' ? { enrolledAt: at } : {}),
          }
        : { route: entry.route, executionArn: deps.workflow.executionArn(c.procedure, next!) },
      audit: {
        at,
        actor: SYSTEM,
        // enrolled, or risk_eliminated: the procedure's success
        action: ended ? route.status : 'publicity_ended',
        stage: 'publicity',
        data: { openObjections, route, ...(next ? { execution: next } : {}) },
      },
      milestones: await milestonesReached(deps, c, { stage: 'publicity', route }, at),
      enrolledCase: await proposalEnd(deps, c, route, at, SYSTEM),
    });
    return { route: entry.route, handOver: next ? { procedure: c.procedure, name: next } : undefined };
  });
  if (closed.handOver) {
    await startWorkflow(deps, closed.handOver.procedure, caseId, closed.handOver.name, closed.route);
  }
  return armed(deps, closed.route);
}

/** The fresh execution a closed publicity handed the case to, when it went back to review. */
const handOverOf = (c: CaseItem, current: string | undefined) =>
  c.route.target !== 'end' && current ? { procedure: c.procedure, name: current } : undefined;
