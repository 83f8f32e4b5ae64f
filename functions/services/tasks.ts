import type { DecisionBody } from '../../schemas/decision.ts';
import type { TaskListQuery } from '../../schemas/queries.ts';
import type { TaskView, User } from '../../schemas/records.ts';
import type { AssigneeList, ReassignBody } from '../../schemas/staff.ts';
import {
  assertCanActOnTask,
  assertCanClaim,
  assertCanDecideOrReassign,
  assertCanReadTask,
  assertEligibleAssignee,
  assertHasInbox,
  assertUndecided,
  escalationScope,
} from '../core/access.ts';
import { deadline } from '../core/calendar.ts';
import { decisionAuditData, validateDecision } from '../core/decisions.ts';
import { conflict, forbidden, notFound } from '../core/errors.ts';
import { countyOf } from '../core/jurisdiction.ts';
import { catalogueOf, type Route, routeOf, statusOn } from '../core/procedure.ts';
import { toIso } from '../core/time.ts';
import { type CaseItem, heldGuards } from '../store/case.ts';
import type { Page } from '../store/table.ts';
import type { InboxFilter, TaskItem } from '../store/task.ts';
import { resumeTaskWorkflow } from './callbacks.ts';
import { actorOf } from './cases.ts';
import { calendarOf, type Deps, secondsUntil } from './deps.ts';
import { milestonesReached } from './milestones.ts';
import { retryOnStaleVersion } from './retry.ts';
import { proposalEnd } from './risk-elimination.ts';
import { enter } from './stage-entry.ts';
import { taskView } from './views.ts';

/*
 * Claim, unclaim, decide and reassign each retry on a stale case version: a colleague's claim, an escalation or a
 * workflow step may move the case between their read and their write, which is no reason to refuse the reviewer.
 */

/**
 * The caller's inbox: open tasks of their role in their jurisdiction, soonest due first, narrowed by stage,
 * procedure, overdue and `mine` (claimed by the caller). `view=escalations` lists instead the overdue tasks of the level
 * below inside the caller's jurisdiction, from the county's open-task index. Either way one Query per page.
 */
export async function inbox(deps: Deps, user: User, query: TaskListQuery): Promise<Page<TaskView>> {
  assertHasInbox(user);
  const now = toIso(deps.clock.now());
  const page = { cursor: query.cursor, limit: query.limit };
  const filter: InboxFilter = {
    stage: query.stage,
    assignee: query.mine ? user.sub : undefined,
    procedure: query.procedure,
  };
  let out: Page<TaskItem>;
  if (query.view === 'escalations') {
    const { county, ...below } = escalationScope(user);
    out = await deps.store.overdueOpenTasks(county, now, { ...filter, ...below }, page);
  } else {
    if (query.overdue !== undefined) filter[query.overdue ? 'dueBefore' : 'dueFrom'] = now;
    out = await deps.store.inbox(user.role, user.jurisdiction, page, filter);
  }
  return { items: out.items.map((t) => taskView(t, now)), cursor: out.cursor };
}

async function findTask(deps: Deps, taskId: string): Promise<TaskItem> {
  const task = await deps.store.getTask(taskId);
  if (!task) throw notFound('task');
  return task;
}

async function actionableTask(deps: Deps, user: User, taskId: string): Promise<TaskItem> {
  const task = await findTask(deps, taskId);
  assertCanActOnTask(user, task);
  return task;
}

export async function getTask(deps: Deps, user: User, taskId: string): Promise<TaskView> {
  const task = await findTask(deps, taskId);
  assertCanReadTask(user, task);
  return taskView(task, toIso(deps.clock.now()));
}

/** A task and its case, read together (in one request: see store getTaskAndCase): acting on a task changes both. */
async function taskWithCase(deps: Deps, taskId: string): Promise<{ task: TaskItem; c: CaseItem }> {
  const { task, case: c } = await deps.store.getTaskAndCase(taskId);
  if (!task) throw notFound('task');
  if (!c) throw notFound('case');
  return { task, c };
}

/** Claims an open task for the caller: one reviewer at a time; queue time ends here. */
export function claim(deps: Deps, user: User, taskId: string): Promise<TaskView> {
  return retryOnStaleVersion(() => claimOnce(deps, user, taskId));
}

async function claimOnce(deps: Deps, user: User, taskId: string): Promise<TaskView> {
  const { task, c } = await taskWithCase(deps, taskId);
  assertCanClaim(user, task);
  if (task.status !== 'open') {
    throw conflict(
      task.status === 'done'
        ? 'the task is already decided'
        : `the task is claimed by ${task.assigneeName ?? 'someone'}`,
      [{ path: 'task.status', rule: 'open' }],
    );
  }
  const at = toIso(deps.clock.now());
  const { task: after } = await deps.store.apply({
    before: c,
    audit: { at, actor: actorOf(user), action: 'claimed', stage: task.stage, data: { taskId } },
    updateTask: {
      before: task,
      expect: ['open'],
      set: { status: 'claimed', assignee: user.sub, assigneeName: user.name, claimedAt: at },
    },
  });
  return taskView(after!, at);
}

/** Gives a claimed task back to the queue (the claimant only). */
export function unclaim(deps: Deps, user: User, taskId: string): Promise<TaskView> {
  return retryOnStaleVersion(() => unclaimOnce(deps, user, taskId));
}

async function unclaimOnce(deps: Deps, user: User, taskId: string): Promise<TaskView> {
  const { task, c } = await taskWithCase(deps, taskId);
  assertCanActOnTask(user, task);
  if (task.status !== 'claimed')
    throw conflict(`the task is ${task.status}, not claimed`, [{ path: 'task.status', rule: 'claimed' }]);
  if (task.assignee !== user.sub) throw forbidden('only the reviewer who claimed the task may release it');
  const at = toIso(deps.clock.now());
  const { task: after } = await deps.store.apply({
    before: c,
    audit: { at, actor: actorOf(user), action: 'unclaimed', stage: task.stage, data: { taskId } },
    updateTask: {
      before: task,
      expect: ['claimed'],
      set: { status: 'open' },
      remove: ['assignee', 'assigneeName', 'claimedAt'],
    },
  });
  return taskView(after!, at);
}

/**
 * Decides a task. The task closes, the case moves to where core routes it and the decision is audited, in one
 * transaction conditioned on the task still being undecided and the case unchanged: of concurrent decisions
 * exactly one applies and the others get 409. Then the waiting workflow is resumed with the route.
 */
export function decide(deps: Deps, user: User, taskId: string, body: DecisionBody): Promise<TaskView> {
  return retryOnStaleVersion(() => decideOnce(deps, user, taskId, body));
}

async function decideOnce(deps: Deps, user: User, taskId: string, body: DecisionBody): Promise<TaskView> {
  const { task, c } = await taskWithCase(deps, taskId);
  const { onBehalfOf } = assertCanDecideOrReassign(user, task);
  const details = validateDecision(task.stage, body, c.policy.villageVote, catalogueOf(c.procedure));
  if (c.openTaskId !== task.taskId)
    throw conflict('the task is not the case’s open task', [{ path: 'task', rule: 'current' }]);
  const now = deps.clock.now();
  const at = toIso(now);
  let route: Route = routeOf(
    catalogueOf(c.procedure),
    c.policy.order,
    task.stage,
    body.decision,
    body.to,
    c.rejectingStage,
  );
  const set: Partial<CaseItem> = { status: statusOn(route) };
  if (route.target === 'await_supplement') {
    const due = deadline(now, c.policy.limits.supplement, await calendarOf(deps, countyOf(c.villageCode)));
    route = { ...route, timeoutSeconds: secondsUntil(deps, due) };
    set.supplementDueAt = toIso(due);
  }
  // the next stage's task planned, or the publicity this decision starts (recorded right after it)
  const entry = await enter(deps, c, route, now);
  Object.assign(set, entry.set, { route: entry.route });
  const ended = route.target === 'end';
  if (ended) set.closedAt = at;
  if (route.target === 'end' && route.status === 'enrolled') set.enrolledAt = at;
  // An objection review settles every open objection with its decision, so a later publicity counts none of them.
  const objections = task.stage === 'objection_review' ? await deps.store.openObjections(c.caseId) : [];
  const { task: after } = await deps.store.apply({
    before: c,
    set,
    remove: ['openTaskId'],
    audit: {
      at,
      actor: actorOf(user),
      action: 'decided',
      stage: task.stage,
      decision: body.decision,
      comment: body.comment,
      data: decisionAuditData(taskId, body, details, route, {
        onBehalfOf,
        objectionIds: objections.map((o) => o.objectionId),
      }),
    },
    followUp: entry.audit,
    updateTask: {
      before: task,
      expect: ['open', 'claimed'],
      set: {
        status: 'done',
        decision: body.decision,
        decidedAt: at,
        decidedBy: user.sub,
        route: entry.route,
        ...(task.claimedAt ? {} : { claimedAt: at, assignee: user.sub, assigneeName: user.name }),
      },
      indexing: 'done',
      sameToken: true,
    },
    resolveObjections: objections.length
      ? {
          items: objections,
          set: {
            status: body.decision === 'uphold' ? 'upheld' : 'dismissed',
            resolvedAt: at,
            resolvedBy: user.sub,
            taskId,
          },
        }
      : undefined,
    // an enrolled household stays under monitoring: its IDs keep the case as their one open case (a proposal
    // holds none: they stay with its enrolled case, which its end releases)
    releaseGuards: ended && statusOn(route) !== 'enrolled' ? heldGuards(c) : undefined,
    milestones: await milestonesReached(deps, c, { stage: task.stage, decision: body.decision, route }, at),
    enrolledCase: await proposalEnd(deps, c, route, at, actorOf(user)),
  });
  await resumeTaskWorkflow(deps, task, entry.route);
  return taskView(after!, at);
}

/** The colleagues a task may be reassigned to: its role and jurisdiction, other than its current assignee. */
export async function assignees(deps: Deps, user: User, taskId: string): Promise<AssigneeList> {
  const task = await actionableTask(deps, user, taskId);
  assertUndecided(task);
  const colleagues = await deps.store.colleagues(task.role, task.jurisdiction);
  return { items: colleagues.filter((m) => m.sub !== task.assignee) };
}

/**
 * Hands a task to a named colleague of its role and jurisdiction: the task becomes theirs (claimed now if it was
 * open) and the trail records from whom to whom, in one transaction on the case. The claimant, anyone of the
 * role while it is open, or the next level up (audited `onBehalfOf`) may do it.
 */
export function reassign(deps: Deps, user: User, taskId: string, body: ReassignBody): Promise<TaskView> {
  return retryOnStaleVersion(() => reassignOnce(deps, user, taskId, body));
}

async function reassignOnce(deps: Deps, user: User, taskId: string, body: ReassignBody): Promise<TaskView> {
  const { task, c } = await taskWithCase(deps, taskId);
  const { onBehalfOf } = assertCanDecideOrReassign(user, task);
  const to = assertEligibleAssignee(await deps.store.getStaff(body.assignee), task);
  const at = toIso(deps.clock.now());
  const { task: after } = await deps.store.apply({
    before: c,
    audit: {
      at,
      actor: actorOf(user),
      action: 'reassigned',
      stage: task.stage,
      ...(body.comment ? { comment: body.comment } : {}),
      data: {
        taskId,
        ...(task.assignee ? { from: { sub: task.assignee, name: task.assigneeName } } : {}),
        to: { sub: to.sub, name: to.name },
        ...(onBehalfOf ? { onBehalfOf } : {}),
      },
    },
    updateTask: {
      before: task,
      expect: [task.status],
      set: { status: 'claimed', assignee: to.sub, assigneeName: to.name, claimedAt: task.claimedAt ?? at },
    },
  });
  return taskView(after!, at);
}
