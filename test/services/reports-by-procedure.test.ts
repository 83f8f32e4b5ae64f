/**
 * Reports and lists by procedure (contract v1.2), on DynamoDB Local with the workflow engine faked: a
 * risk-elimination proposal's stage records, milestones, open tasks and activity entries are its own, and an
 * identification report (the default, as every v1.1 client calls it) never counts them.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { HumanStage, PlannedTask } from '../../functions/core/procedure.ts';
import { addDays, DAY_MS, localDate, localMonth } from '../../functions/core/time.ts';
import { fileApplication, fileCase, listCases } from '../../functions/services/cases.ts';
import { addMeasure, updateMeasure } from '../../functions/services/measures.ts';
import {
  overdueQuerySchema,
  overdueTasks,
  slaBreaches,
  slaBreachesQuerySchema,
  stageTimings,
  stageTimingsQuerySchema,
  stuckCases,
  stuckQuerySchema,
} from '../../functions/services/reports.ts';
import { decide, getTask as getTaskView, inbox } from '../../functions/services/tasks.ts';
import { closePublicity, openStage } from '../../functions/services/workflow.ts';
import type { TaskItem } from '../../functions/store/task.ts';
import { taskItem } from '../../functions/store/task.ts';
import type { Evidence } from '../../schemas/application.ts';
import type { DecisionBody } from '../../schemas/decision.ts';
import type { Procedure } from '../../schemas/domain.ts';
import { caseListQuerySchema, taskListQuerySchema } from '../../schemas/queries.ts';
import { approval, proposalApproval, proposalEvidence } from '../support/decisions.ts';
import { validHousehold } from '../support/fixtures.ts';
import { enrol } from './monitoring-seed.ts';
import { type ServiceWorld, serviceWorld, user } from './support.ts';

const H = 3_600_000;
let w: ServiceWorld;
let n = 0;
beforeEach(async () => {
  w = await serviceWorld('2026-03-02T09:00:00.000+08:00');
});

const evidence: Evidence = proposalEvidence;
const REVIEWER: Record<string, string> = {
  village_review: 'village',
  township_verification: 'township',
  county_approval: 'county',
};
const approvalOf = (procedure: Procedure, stage: HumanStage): DecisionBody =>
  (procedure === 'risk_elimination'
    ? proposalApproval(stage, '2026-09-20')
    : approval(stage)) as DecisionBody;

/** Opens the stage's task the workflow was last handed (the filing's start, or the last decision's route). */
async function open(caseId: string, stage: HumanStage, from: 'start' | 'decision'): Promise<string> {
  const route = (
    from === 'start' ? w.workflow.started.at(-1)!.input.route : w.workflow.sent.at(-1)!.route
  ) as { task: PlannedTask };
  await openStage(w.deps, caseId, stage, route.task, `token-${caseId}-${stage}`);
  return route.task.taskId;
}

/** An identification case filed by the village and enrolled now, without stage records of its own. */
async function enrolledCase(): Promise<string> {
  const { caseId } = await fileApplication(w.deps, user('village'), {
    procedure: 'identification',
    household: validHousehold(9400 + n++),
  });
  await enrol(w, caseId, w.clock.ms);
  return caseId;
}

/** Enrolled cases eligible for a proposal now: enrolled 200 days ago, each with a measure implemented since. */
async function eligibleCases(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await enrolledCase());
  w.clock.ms += 200 * DAY_MS;
  const day = addDays(localDate(w.clock.ms), -2);
  for (const caseId of ids) {
    const m = await addMeasure(w.deps, user('village'), caseId, {
      type: 'employment',
      description: '推荐到县工业园区务工',
      responsibleCadre: { name: '王干部' },
      plannedAt: day,
    });
    await updateMeasure(w.deps, user('township'), caseId, m.measureId, {
      status: 'implemented',
      implementedAt: day,
      expectedVersion: m.version,
    });
  }
  return ids;
}

const propose = async (enrolledCaseId: string) =>
  (await fileCase(w.deps, user('village'), { procedure: 'risk_elimination', enrolledCaseId, evidence }))
    .caseId;
const identify = async () =>
  (
    await fileApplication(w.deps, user('village'), {
      procedure: 'identification',
      household: validHousehold(9400 + n++),
    })
  ).caseId;

/** Each of `stages` opened and approved `hours` later, in order (the first opened from the filing's start). */
async function approveThrough(procedure: Procedure, caseId: string, stages: HumanStage[], hours: number) {
  for (const [i, stage] of stages.entries()) {
    const taskId = await open(caseId, stage, i === 0 ? 'start' : 'decision');
    w.clock.ms += hours * H;
    await decide(w.deps, user(REVIEWER[stage]!), taskId, approvalOf(procedure, stage));
  }
}

const STAGES: HumanStage[] = ['village_review', 'township_verification', 'county_approval'];

describe('stage timings by procedure', () => {
  it('a proposal driven through its stages appears in the risk_elimination report with its own figures, and not in identification’s', async () => {
    // Arrange: a proposal taking 2 hours a stage, then publicised to risk_eliminated; an identification case
    // taking 5 hours a stage through township verification
    const [enrolledId] = await eligibleCases(1);
    const proposalId = await propose(enrolledId!);
    const filedAt = w.clock.ms;
    await approveThrough('risk_elimination', proposalId, STAGES, 2);
    const decidedAt = w.clock.ms;
    w.clock.ms = Date.parse((await w.store.getCase(proposalId))!.publicityEndsAt!) + 1000;
    expect(await closePublicity(w.deps, proposalId)).toEqual({ target: 'end', status: 'risk_eliminated' });
    const eliminatedAt = w.clock.ms;
    const identificationId = await identify();
    await approveThrough('identification', identificationId, STAGES.slice(0, 2), 5);
    const month = localMonth(w.clock.ms);
    expect(localMonth(filedAt)).toBe(month);
    const report = (procedure?: Procedure) =>
      stageTimings(
        w.deps,
        user('auditor'),
        stageTimingsQuerySchema.parse({ from: month, to: month, ...(procedure ? { procedure } : {}) }),
      );

    // Act
    const re = await report('risk_elimination');
    const id = await report('identification');
    const v11 = await report();

    // Assert
    expect(re.procedure).toBe('risk_elimination');
    expect(re.groups.map((g) => [g.key, g.procedure, g.count, g.duration.max])).toEqual(
      STAGES.map((s) => [s, 'risk_elimination', 1, 2]),
    );
    expect(re.cells.map((c) => [c.stage, c.procedure, c.count])).toEqual(
      STAGES.map((s) => [s, 'risk_elimination', 1]),
    );
    const hours = (ms: number) => Math.round((ms / H) * 10_000) / 10_000;
    expect(re.wholeCase.countyDecision).toEqual([
      expect.objectContaining({ key: 'all', procedure: 'risk_elimination', count: 1, breaches: 0 }),
    ]);
    expect(re.wholeCase.countyDecision[0]!.duration.max).toBe(hours(decidedAt - filedAt));
    expect(re.wholeCase.riskEliminated).toEqual([
      expect.objectContaining({ key: 'all', procedure: 'risk_elimination', count: 1, breaches: 0 }),
    ]);
    expect(re.wholeCase.riskEliminated![0]!.duration.max).toBe(hours(eliminatedAt - filedAt));
    expect(re.wholeCase.enrolled).toEqual([]);

    expect(id.procedure).toBe('identification');
    expect(id.groups.map((g) => [g.key, g.procedure, g.count, g.duration.max])).toEqual(
      STAGES.slice(0, 2).map((s) => [s, 'identification', 1, 5]),
    );
    expect(id.wholeCase).toEqual({ countyDecision: [], enrolled: [] });
    // a v1.1 client (no procedure) gets identification's report
    expect({ ...v11, generatedAt: '' }).toEqual({ ...id, generatedAt: '' });
  });
});

describe('SLA breaches, overdue tasks and stuck cases by procedure', () => {
  it('names each row’s procedure and keeps the other procedure’s out', async () => {
    // Arrange: a proposal whose village review is decided 10 days late, one whose village review is left open;
    // an identification case left open too
    const [late, open1] = await eligibleCases(2);
    const lateProposal = await propose(late!);
    const lateTask = await open(lateProposal, 'village_review', 'start');
    w.clock.ms += 10 * DAY_MS;
    await decide(w.deps, user('village'), lateTask, approvalOf('risk_elimination', 'village_review'));
    const openProposal = await propose(open1!);
    const openProposalTask = await open(openProposal, 'village_review', 'start');
    const openCase = await identify();
    const openCaseTask = await open(openCase, 'village_review', 'start');
    w.clock.ms += 12 * DAY_MS;
    const auditor = user('auditor');
    const month = localMonth(w.clock.ms);
    const from = localMonth(w.clock.ms - 40 * DAY_MS);

    // Act
    const breaches = async (procedure?: Procedure) =>
      (
        await slaBreaches(
          w.deps,
          auditor,
          slaBreachesQuerySchema.parse({ from, to: month, ...(procedure ? { procedure } : {}) }),
        )
      ).items.map((b) => [b.taskId, b.procedure, b.state]);
    const overdue = async (procedure?: Procedure) =>
      (
        await overdueTasks(w.deps, auditor, overdueQuerySchema.parse(procedure ? { procedure } : {}))
      ).items.map((t) => ['taskId' in t ? t.taskId : '', t.procedure]);
    const stuck = async (procedure?: Procedure) =>
      (
        await stuckCases(
          w.deps,
          auditor,
          stuckQuerySchema.parse({ days: '5', ...(procedure ? { procedure } : {}) }),
        )
      ).items.map((c) => [c.caseId, c.procedure]);

    // Assert
    expect(await breaches('risk_elimination')).toEqual([
      [openProposalTask, 'risk_elimination', 'open'],
      [lateTask, 'risk_elimination', 'decided'],
    ]);
    expect(await breaches()).toEqual([[openCaseTask, 'identification', 'open']]);
    expect(await overdue('risk_elimination')).toEqual([[openProposalTask, 'risk_elimination']]);
    expect(await overdue()).toEqual([[openCaseTask, 'identification']]);
    // the late proposal waits on its township verification (never opened here): idle too
    expect(await stuck('risk_elimination')).toEqual([
      [lateProposal, 'risk_elimination'],
      [openProposal, 'risk_elimination'],
    ]);
    expect((await stuck('identification')).filter(([id]) => id === openProposal || id === openCase)).toEqual([
      [openCase, 'identification'],
    ]);
    const refused = overdueQuerySchema.safeParse({ kind: 'measures', procedure: 'risk_elimination' });
    expect(refused.success).toBe(false);
  });
});

describe('the case list and the inbox by procedure', () => {
  it('answers full pages of one procedure across a cursor, the filter inside the Query', async () => {
    // Arrange: identification cases and proposals filed in turn, each with its village review open
    const enrolled = await eligibleCases(3);
    const proposals: string[] = [];
    const identifications: string[] = [];
    const tasks: Record<Procedure, string[]> = { identification: [], risk_elimination: [] };
    for (const enrolledId of enrolled) {
      for (const _ of [0, 1]) {
        const id = await identify();
        identifications.push(id);
        tasks.identification.push(await open(id, 'village_review', 'start'));
        w.clock.ms += 1000;
      }
      const p = await propose(enrolledId);
      proposals.push(p);
      tasks.risk_elimination.push(await open(p, 'village_review', 'start'));
      w.clock.ms += 1000;
    }

    // Act
    const casePages = async (procedure: Procedure) => {
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await listCases(
          w.deps,
          user('township'),
          caseListQuerySchema.parse({ procedure, limit: '2', ...(cursor ? { cursor } : {}) }),
        );
        pages.push(page.items.map((c) => c.caseId));
        cursor = page.cursor;
      } while (cursor);
      return pages;
    };
    const inboxPages = async (procedure: Procedure) => {
      const pages: [string, string][][] = [];
      let cursor: string | undefined;
      do {
        const page = await inbox(
          w.deps,
          user('village'),
          taskListQuerySchema.parse({ procedure, limit: '2', ...(cursor ? { cursor } : {}) }),
        );
        pages.push(page.items.map((t) => [t.taskId, t.procedure]));
        cursor = page.cursor;
      } while (cursor);
      return pages;
    };
    const reCases = await casePages('risk_elimination');
    const idCases = await casePages('identification');
    const reTasks = await inboxPages('risk_elimination');
    const idTasks = await inboxPages('identification');

    // Assert: every page but the last is full, and each lists exactly its procedure's
    const full = (pages: unknown[][]) => pages.slice(0, -1).every((p) => p.length === 2);
    expect(full(reCases) && full(idCases) && full(reTasks) && full(idTasks)).toBe(true);
    expect(reCases[0]).toHaveLength(2);
    expect(reCases.flat().sort()).toEqual([...proposals].sort());
    expect(
      idCases
        .flat()
        .filter((id) => identifications.includes(id))
        .sort(),
    ).toEqual([...identifications].sort());
    expect(idCases.flat().some((id) => proposals.includes(id))).toBe(false);
    expect(reTasks[0]).toHaveLength(2);
    expect(
      reTasks
        .flat()
        .map(([t]) => t)
        .sort(),
    ).toEqual([...tasks.risk_elimination].sort());
    expect(reTasks.flat().every(([, p]) => p === 'risk_elimination')).toBe(true);
    expect(
      idTasks
        .flat()
        .map(([t]) => t)
        .sort(),
    ).toEqual([...tasks.identification].sort());
    expect(idTasks.flat().every(([, p]) => p === 'identification')).toBe(true);
  });
});

describe('the task’s procedure', () => {
  it('the task view names it; a task stored before tasks kept it reads identification', async () => {
    // Arrange: a proposal's open task, and an identification task as older versions stored it (no procedure)
    const [enrolledId] = await eligibleCases(1);
    const proposal = await propose(enrolledId!);
    const proposalTask = await open(proposal, 'village_review', 'start');
    const caseId = await identify();
    const current = (await w.store.getTask(await open(caseId, 'village_review', 'start')))!;
    const { procedure: _, ...old }: Partial<TaskItem> = taskItem({ ...current, taskId: 'task_old' });
    await w.store.putItems([old]);

    // Act
    const proposalView = await getTaskView(w.deps, user('village'), proposalTask);
    const stored = await w.store.getTask('task_old');
    const oldView = await getTaskView(w.deps, user('village'), 'task_old');
    const inboxOf = async (procedure: Procedure) =>
      (await inbox(w.deps, user('village'), taskListQuerySchema.parse({ procedure }))).items.map(
        (t) => t.taskId,
      );

    // Assert
    expect(proposalView.procedure).toBe('risk_elimination');
    expect(stored?.procedure).toBe('identification');
    expect(oldView.procedure).toBe('identification');
    expect(await inboxOf('identification')).toContain('task_old');
    expect(await inboxOf('risk_elimination')).toEqual([proposalTask]);
  });
});
