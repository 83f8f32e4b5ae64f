import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countyCalendar } from '../../functions/commons/holidays.ts';
import { deadline } from '../../functions/core/calendar.ts';
import { defaultPolicy } from '../../functions/core/policy.ts';
import { DAY_MS } from '../../functions/core/time.ts';
import { sharedDeps } from '../../functions/services/deps.ts';
import { withdrawUnsupplemented } from '../../functions/services/workflow.ts';
import type { Runtime } from '../../local/runtime.ts';
import type { AuditRecord, TaskView } from '../../schemas/records.ts';
import { validHousehold } from '../support/fixtures.ts';
import { eventually, loginAll, startTestRuntime } from '../support/runtime.ts';
import {
  type Actors,
  actionsOf,
  approval,
  approveThrough,
  auditOf,
  caseOf,
  decide,
  expectChronological,
  file,
  inboxOf,
  openTask,
  REVIEW_STAGES,
  returnForSupplement,
  reviewerOf,
  sendBack,
  statusReached,
  supplement,
  withdraw,
  workflowEnded,
} from '../support/scenario.ts';

/**
 * One simulated day passes in 0.86 real seconds: the 15-day supplement limit in about 13 s, publicity in about
 * 4.3 s, a 3-working-day stage limit in 2.6–4.8 s: long enough that a prompt reviewer is never overdue.
 */
const TIME_SCALE = 100_000;
/** The demo county has no stored policy or calendar overrides: the defaults apply. */
const POLICY = defaultPolicy('611002');
const CALENDAR = countyCalendar({});

let rt: Runtime;
let a: Actors;
let seq = 500;
const household = () => validHousehold(seq++);

beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: TIME_SCALE });
  a = await loginAll(rt.url, ['applicant', 'village', 'township', 'county']);
});
afterAll(() => rt?.stop());

/** `[task_opened, decided]` for each of `n` stages. */
const reviewed = (n: number) => Array.from({ length: n }, () => ['task_opened', 'decided']).flat();

/** The task's view as its reviewer sees it. */
async function taskOf(stage: string, taskId: string): Promise<TaskView> {
  const res = await reviewerOf(a, stage).get<TaskView>(`/api/tasks/${taskId}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Waits until the simulated clock reads `ms`. */
const simulatedTimeReaches = (ms: number) =>
  eventually(
    async () => (rt.now() >= ms ? true : undefined),
    20_000,
    `simulated ${new Date(ms).toISOString()}`,
  );

const escalationsOf = (timeline: AuditRecord[], taskId: string) =>
  timeline.filter((r) => r.action === 'escalated' && r.data?.taskId === taskId);

/**
 * A task escalates at its due date, then each time one more stage limit runs out; never automatically decided.
 * Checks the task's `escalations` are exactly one per such deadline: each no earlier than its own deadline (so
 * never two for one), numbered without gaps, and none missing of the deadlines passed by `readBefore` (the
 * simulated time before the trail was read) but perhaps the latest, which may be a moment from firing.
 */
function expectOncePerDueDate(escalations: AuditRecord[], task: TaskView, readBefore: number) {
  const limit = POLICY.limits[task.stage as keyof typeof POLICY.limits];
  const next = (d: number) => deadline(d, limit, CALENDAR);
  let passed = 0;
  for (let d = Date.parse(task.dueAt); d <= readBefore; d = next(d)) passed++;
  expect(escalations.length).toBeGreaterThanOrEqual(Math.max(1, passed - 1));
  let due = Date.parse(task.dueAt);
  for (const [i, r] of escalations.entries()) {
    expect(r.actor.role).toBe('system');
    expect(r.data).toMatchObject({ taskId: task.taskId, dueAt: task.dueAt, escalation: i + 1 });
    expect(Date.parse(r.at), `escalation ${i + 1} before its deadline`).toBeGreaterThanOrEqual(due);
    due = next(due);
  }
}

describe.concurrent('workflow paths', () => {
  describe('return and supplement', () => {
    for (const [i, stage] of REVIEW_STAGES.entries()) {
      it(`return at ${stage} → supplement → ${stage} reviews again → onwards → enrolled`, async () => {
        const { caseId } = await file(a.applicant, household());
        await approveThrough(a, caseId, REVIEW_STAGES.slice(0, i));
        const first = await openTask(reviewerOf(a, stage), caseId, stage);

        await decide(reviewerOf(a, stage), first.taskId, returnForSupplement);
        const returned = await statusReached(a.applicant, caseId, 'returned');
        const supplemented = await supplement(a.applicant, caseId, {
          note: '已补充医疗费用票据',
          household: { annualNetIncomePerCapita: 4800 },
        });
        const second = await openTask(reviewerOf(a, stage), caseId, stage);
        await decide(reviewerOf(a, stage), second.taskId, approval(stage));
        await approveThrough(a, caseId, REVIEW_STAGES.slice(i + 1));
        const enrolled = await statusReached(a.applicant, caseId, 'enrolled');

        expect(returned).toMatchObject({ stage, status: 'returned' });
        expect(returned.openTaskId).toBeUndefined();
        expect(supplemented.status, JSON.stringify(supplemented.body)).toBe(200);
        expect(second.taskId).not.toBe(first.taskId);
        expect(Date.parse(second.dueAt)).toBeGreaterThanOrEqual(Date.parse(first.dueAt));
        expect(enrolled.household.annualNetIncomePerCapita).toBe(4800);
        expect(actionsOf(enrolled)).toEqual([
          'filed',
          ...reviewed(i),
          'task_opened',
          'decided',
          'supplemented',
          ...reviewed(3 - i),
          'publicity_started',
          'enrolled',
        ]);
        const timeline: AuditRecord[] = enrolled.timeline;
        const ret = timeline.find((r) => r.decision === 'return')!;
        expect(ret).toMatchObject({ stage, data: { taskId: first.taskId, missing: ['医疗费用票据'] } });
        expect(ret.data?.route).toMatchObject({ target: 'await_supplement', stage });
        const { timeoutSeconds } = ret.data!.route as { timeoutSeconds: number };
        expect(timeoutSeconds).toBeLessThanOrEqual(POLICY.limits.supplement.days * 86_400);
        const supp = timeline.find((r) => r.action === 'supplemented')!;
        expect(supp).toMatchObject({ stage, actor: { role: 'applicant' }, comment: '已补充医疗费用票据' });
        expect(supp.data?.changedFields).toEqual(['annualNetIncomePerCapita']);
        const reopened = timeline.find((r) => r.seq > supp.seq && r.action !== 'escalated');
        expect(reopened).toMatchObject({ action: 'task_opened', stage, data: { taskId: second.taskId } });
        expectChronological(timeline);
        const started = timeline.find((r) => r.action === 'publicity_started')!;
        expect(Date.parse(timeline.at(-1)!.at) - Date.parse(started.at)).toBeGreaterThanOrEqual(5 * DAY_MS);
        const audit = await auditOf(a.county, caseId);
        expect(audit.chain).toEqual({ valid: true, length: timeline.length });
      });
    }

    it('return with no supplement → withdrawn by the system after the supplement limit; the IDs are free again', async () => {
      const h = household();
      const { caseId } = await file(a.applicant, h);
      const task = await openTask(a.village, caseId, 'village_review');

      await decide(a.village, task.taskId, returnForSupplement);
      const withdrawn = await statusReached(a.applicant, caseId, 'withdrawn', 40_000);
      const ended = await workflowEnded(rt, caseId);
      const inbox = await inboxOf(a.village);
      const again = await a.applicant.post('/api/cases', { procedure: 'identification', household: h });

      expect(withdrawn.openTaskId).toBeUndefined();
      expect(actionsOf(withdrawn)).toEqual(['filed', 'task_opened', 'decided', 'withdrawn']);
      const [decided, last] = withdrawn.timeline.slice(-2) as AuditRecord[];
      expect(last).toMatchObject({
        action: 'withdrawn',
        stage: 'village_review',
        actor: { sub: 'system', role: 'system' },
        data: { reason: 'no_supplement' },
      });
      const dueAt = Date.parse(last!.data!.supplementDueAt as string);
      expect(dueAt - Date.parse(decided!.at)).toBe(POLICY.limits.supplement.days * DAY_MS);
      expect(Date.parse(last!.at)).toBeGreaterThanOrEqual(dueAt);
      expectChronological(withdrawn.timeline);
      expect(ended).toBe('SUCCEEDED');
      expect(inbox.map((t) => t.caseId)).not.toContain(caseId);
      expect(again.status, JSON.stringify(again.body)).toBe(201);
      const audit = await auditOf(a.village, caseId);
      expect(audit.chain).toEqual({ valid: true, length: withdrawn.timeline.length });
      // the step replayed (a Lambda retry after a lost response) ends the same way and writes nothing
      expect(await withdrawUnsupplemented(sharedDeps(), caseId)).toEqual({
        target: 'end',
        status: 'withdrawn',
      });
      expect(actionsOf(await caseOf(a.applicant, caseId))).toEqual(actionsOf(withdrawn));
    });
  });

  describe('withdrawal', () => {
    const points = [
      { stage: 'village_review', returned: false },
      { stage: 'township_verification', returned: false },
      { stage: 'county_approval', returned: true },
    ];
    for (const { stage, returned } of points) {
      it(`${returned ? `while returned at ${stage}` : `at ${stage}`} → withdrawn, task closed, out of the inbox, IDs free`, async () => {
        const h = household();
        const { caseId } = await file(a.applicant, h);
        const i = REVIEW_STAGES.indexOf(stage);
        await approveThrough(a, caseId, REVIEW_STAGES.slice(0, i));
        const task = await openTask(reviewerOf(a, stage), caseId, stage);
        if (returned) await decide(reviewerOf(a, stage), task.taskId, returnForSupplement);

        const res = await withdraw(a.applicant, caseId);
        const ended = await workflowEnded(rt, caseId);
        const c = await caseOf(a.applicant, caseId);
        const closed = await taskOf(stage, task.taskId);
        const inbox = await inboxOf(reviewerOf(a, stage));
        const again = await a.applicant.post('/api/cases', { procedure: 'identification', household: h });

        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body).toMatchObject({ caseId, status: 'withdrawn', stage });
        expect(ended).toBe('SUCCEEDED');
        expect(c).toMatchObject({ status: 'withdrawn', stage });
        expect(c.openTaskId).toBeUndefined();
        expect(actionsOf(c)).toEqual([
          'filed',
          ...reviewed(i),
          'task_opened',
          ...(returned ? ['decided'] : []),
          'withdrawn',
        ]);
        expect(c.timeline.at(-1)).toMatchObject({
          action: 'withdrawn',
          stage,
          actor: { role: 'applicant' },
          comment: '家庭情况好转，申请撤回',
        });
        expect(closed.status).toBe('done');
        expect(Date.parse(closed.decidedAt!)).toBeGreaterThanOrEqual(Date.parse(closed.openedAt));
        expect(inbox.map((t) => t.caseId)).not.toContain(caseId);
        expect(again.status, JSON.stringify(again.body)).toBe(201);
        expectChronological(c.timeline);
        const audit = await auditOf(a.applicant, caseId);
        expect(audit.chain).toEqual({ valid: true, length: c.timeline.length });
      });
    }

    it('between stages (just filed, just approved) → stays withdrawn: no task opens, the workflow ends', async () => {
      // Withdrawn at once, while the workflow is on its way to the next stage: no task or token to close yet.
      const justFiled = async () => {
        const { caseId } = await file(a.applicant, household());
        return { caseId, res: await withdraw(a.applicant, caseId) };
      };
      const justApproved = async () => {
        const { caseId } = await file(a.applicant, household());
        const task = await openTask(a.village, caseId, 'village_review');
        await decide(a.village, task.taskId, approval('village_review'));
        return { caseId, res: await withdraw(a.applicant, caseId) };
      };
      const withdrawals = await Promise.all(
        [justFiled, justFiled, justApproved, justApproved].map((f) => f()),
      );
      const caseIds = withdrawals.map((w) => w.caseId);

      const ended = await Promise.all(caseIds.map((id) => workflowEnded(rt, id)));
      const cases = await Promise.all(caseIds.map((id) => caseOf(a.applicant, id)));
      const inboxes = (await Promise.all([a.village, a.township].map(inboxOf))).flat();

      expect(withdrawals.map((w) => w.res.status)).toEqual([200, 200, 200, 200]);
      expect(ended).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
      for (const c of cases) {
        expect(c.status).toBe('withdrawn');
        expect(c.openTaskId).toBeUndefined();
        expect(c.timeline.at(-1).action).toBe('withdrawn');
        expect(inboxes.map((t) => t.caseId)).not.toContain(c.caseId);
      }
    });

    it('during publicity (after county approval) → 409 before_county_approval, and the case is enrolled', async () => {
      const { caseId } = await file(a.applicant, household());
      await approveThrough(a, caseId, REVIEW_STAGES);
      await eventually(
        async () => ((await caseOf(a.applicant, caseId)).stage === 'publicity' ? true : undefined),
        20_000,
        `publicity of ${caseId}`,
      );

      const byApplicant = await withdraw(a.applicant, caseId);
      const byCadre = await withdraw(a.village, caseId);
      const enrolled = await statusReached(a.applicant, caseId, 'enrolled');

      for (const res of [byApplicant, byCadre]) {
        expect(res.status).toBe(409);
        expect(res.body.error).toMatchObject({
          code: 'conflict',
          details: [{ path: 'case.stage', rule: 'before_county_approval' }],
        });
      }
      expect(actionsOf(enrolled)).toEqual(['filed', ...reviewed(3), 'publicity_started', 'enrolled']);
      expectChronological(enrolled.timeline);
      const audit = await auditOf(a.county, caseId);
      expect(audit.chain).toEqual({ valid: true, length: enrolled.timeline.length });
    });
  });

  describe('send back and escalation', () => {
    const sendBacks = [
      { from: 'county_approval', to: 'township_verification' },
      { from: 'township_verification', to: 'village_review' },
    ];
    for (const { from, to } of sendBacks) {
      it(`send_back ${from} → ${to}: a fresh task with a later due date, escalated once when overdue, then onwards`, async () => {
        const { caseId } = await file(a.applicant, household());
        const [i, j] = [REVIEW_STAGES.indexOf(to), REVIEW_STAGES.indexOf(from)];
        await approveThrough(a, caseId, REVIEW_STAGES.slice(0, i));
        const first = await openTask(reviewerOf(a, to), caseId, to);
        await decide(reviewerOf(a, to), first.taskId, approval(to));
        await approveThrough(a, caseId, REVIEW_STAGES.slice(i + 1, j));
        const back = await openTask(reviewerOf(a, from), caseId, from);
        // A working day later a stage limit runs out later, however fast this machine got here.
        await simulatedTimeReaches(
          deadline(Date.parse(first.openedAt), { days: 1, unit: 'working' }, CALENDAR) - DAY_MS,
        );

        await decide(reviewerOf(a, from), back.taskId, sendBack(to));
        const again = await openTask(reviewerOf(a, to), caseId, to);
        await eventually(
          async () => {
            const c = await caseOf(a.applicant, caseId);
            return escalationsOf(c.timeline, again.taskId).length ? true : undefined;
          },
          20_000,
          `escalation of ${again.taskId}`,
        );
        const overdue = await taskOf(to, again.taskId);
        await decide(reviewerOf(a, to), again.taskId, approval(to));
        await approveThrough(a, caseId, REVIEW_STAGES.slice(i + 1));
        const enrolled = await statusReached(a.applicant, caseId, 'enrolled');

        expect(again.taskId).not.toBe(first.taskId);
        expect(Date.parse(again.dueAt)).toBeGreaterThan(Date.parse(first.dueAt));
        expect(overdue).toMatchObject({ status: 'open', overdue: true });
        expect(actionsOf(enrolled)).toEqual([
          'filed',
          ...reviewed(j + 1),
          ...reviewed(3 - i),
          'publicity_started',
          'enrolled',
        ]);
        const timeline: AuditRecord[] = enrolled.timeline;
        expect(timeline.find((r) => r.decision === 'send_back')).toMatchObject({
          stage: from,
          data: { taskId: back.taskId, to, reason: sendBack(to).reason, route: { target: to } },
        });
        const opened = timeline.filter((r) => r.action === 'task_opened' && r.stage === to);
        expect(opened.map((r) => r.data?.taskId)).toEqual([first.taskId, again.taskId]);
        expect(opened.map((r) => r.data?.dueAt)).toEqual([first.dueAt, again.dueAt]);
        const decidedAt = Date.parse(
          timeline.find((r) => r.action === 'decided' && r.data?.taskId === again.taskId)!.at,
        );
        expectOncePerDueDate(escalationsOf(timeline, again.taskId), again, decidedAt);
        expect(escalationsOf(timeline, again.taskId)[0]!.data?.notify).toBeDefined();
        expectChronological(timeline);
        const audit = await auditOf(a.county, caseId);
        expect(audit.chain).toEqual({ valid: true, length: timeline.length });
      });
    }

    it('an undecided task escalates once per due date, however often the inbox is read, and is never decided', async () => {
      const { caseId } = await file(a.applicant, household());
      const task = await openTask(a.village, caseId, 'village_review');
      const secondDeadline = deadline(Date.parse(task.dueAt), POLICY.limits.village_review, CALENDAR);

      // Reviewers keep polling the inbox meanwhile: reads must not escalate anything.
      await eventually(
        async () => {
          await inboxOf(a.village);
          return rt.now() > secondDeadline ? true : undefined;
        },
        20_000,
        'two escalation deadlines to pass',
      );
      await eventually(
        async () => {
          const c = await caseOf(a.applicant, caseId);
          return escalationsOf(c.timeline, task.taskId).length >= 2 ? true : undefined;
        },
        10_000,
        `second escalation of ${task.taskId}`,
      );
      const readAt = rt.now();
      const c = await caseOf(a.applicant, caseId);
      const still = await taskOf('village_review', task.taskId);
      const inbox = await inboxOf(a.village);

      const escalations = escalationsOf(c.timeline, task.taskId);
      expectOncePerDueDate(escalations, task, readAt);
      expect(escalations[0]!.data?.notify).toEqual({ role: 'township_reviewer', jurisdiction: '611002100' });
      expect(c).toMatchObject({ status: 'open', stage: 'village_review', openTaskId: task.taskId });
      expect(actionsOf(c)).toEqual(['filed', 'task_opened']);
      expect(still).toMatchObject({ status: 'open', overdue: true });
      expect(still.decidedAt).toBeUndefined();
      expect(inbox.find((t) => t.taskId === task.taskId)).toMatchObject({ overdue: true });
      expectChronological(c.timeline);
      const audit = await auditOf(a.village, caseId);
      expect(audit.chain.valid).toBe(true);
    });
  });
});
