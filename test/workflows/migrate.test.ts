import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asHandler } from '../../functions/commons/command-log.ts';
import { sharedDeps } from '../../functions/services/deps.ts';
import { type MigrationReport, resumeInput } from '../../functions/services/resume.ts';
import { MIGRATE_ENTRY } from '../../functions/steps/entries.ts';
import { handler as migrate } from '../../functions/steps/migrate.ts';
import { STATE_MACHINES } from '../../infra/stacks/workflow-stack.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import type { Runtime } from '../../local/runtime.ts';
import { validHousehold } from '../support/fixtures.ts';
import { loginAll, startTestRuntime } from '../support/runtime.ts';
import {
  type Actors,
  approval,
  approveThrough,
  caseOf,
  decide,
  file,
  inboxOf,
  openTask,
  REVIEW_STAGES,
  rejection,
  returnForSupplement,
  statusReached,
  supplement,
} from '../support/scenario.ts';

/** Stage limits (≥ 3 working days) take ≥ 13 s, publicity (5 days) about 22 s: cases stay put while set up. */
const TIME_SCALE = 20_000;

let rt: Runtime;
let a: Actors;
beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: TIME_SCALE });
  a = await loginAll(rt.url, ['applicant', 'village', 'township', 'county']);
});
afterAll(() => rt?.stop());

const runMigrate = () =>
  asHandler(MIGRATE_ENTRY, () =>
    migrate({ counties: ['611002'] }, lambdaContext('Migrate', 900_000) as Context),
  ) as Promise<MigrationReport>;
const executionOf = async (caseId: string) =>
  rt.engine.describeExecution((await sharedDeps().store.getCase(caseId))!.executionArn!);

describe('a deploy that publishes a new workflow version, then migrate', () => {
  it('moves every in-flight case, in every stage, to the new version, and every one of them finishes', async () => {
    // Arrange: one case standing in each place a case can wait
    let n = 7200;
    const filed = async () => (await file(a.applicant, validHousehold(n++))).caseId;
    const at = {
      village_review: await filed(),
      township_verification: await filed(),
      county_approval: await filed(),
      publicity: await filed(),
      await_supplement: await filed(),
      reexamination: await filed(),
    };
    await approveThrough(a, at.township_verification, REVIEW_STAGES.slice(0, 1));
    await approveThrough(a, at.county_approval, REVIEW_STAGES.slice(0, 2));
    await approveThrough(a, at.publicity, REVIEW_STAGES);
    const returned = await openTask(a.village, at.await_supplement, 'village_review');
    await decide(a.village, returned.taskId, returnForSupplement);
    const rejected = await openTask(a.village, at.reexamination, 'village_review');
    await decide(a.village, rejected.taskId, rejection('village_review'));
    await statusReached(a.applicant, at.reexamination, 'rejected');
    const asked = await a.applicant.post(`/api/cases/${at.reexamination}/reexamination`, {
      reason: '评议有误',
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    await openTask(a.township, at.reexamination, 'reexamination');
    await openTask(a.township, at.township_verification, 'township_verification');
    await openTask(a.county, at.county_approval, 'county_approval');
    await statusReached(a.applicant, at.await_supplement, 'returned');
    await openTask(a.village, at.village_review, 'village_review');
    expect((await caseOf(a.applicant, at.publicity)).stage).toBe('publicity');
    const before = new Map(
      await Promise.all(Object.values(at).map(async (id) => [id, await executionOf(id)] as const)),
    );
    for (const e of before.values()) expect(e.status).toBe('RUNNING');

    // Act: the deploy publishes a new version of the definition and moves the alias to it, then migrate runs
    const machine = rt.app.stateMachines.find((m) => m.name === STATE_MACHINES.identification.name);
    const definition = { ...machine!.definition, Comment: `${machine!.definition.Comment} (v2)` };
    const v2 = await rt.engine.publishVersion(machine!.arn, definition);
    const report = await runMigrate();

    // Assert: every case moved, each old execution stopped, each new one on v2 at the case's stage
    expect(report.targetVersionArns.identification).toBe(v2);
    expect(new Set(report.moved)).toEqual(new Set(Object.values(at)));
    for (const [caseId, old] of before) {
      expect((await rt.engine.describeExecution(old.executionArn)).status, caseId).toBe('ABORTED');
      const now = await executionOf(caseId);
      expect(now.status, caseId).toBe('RUNNING');
      expect(now.stateMachineVersionArn, caseId).toBe(v2);
      expect(now.executionArn, caseId).toBe(`${old.executionArn}.2`);
    }
    // a second run finds nothing to move
    const again = await runMigrate();
    expect(again.moved).toEqual([]);
    expect(again.current).toBe(Object.keys(at).length);

    // …and every case finishes on the new version
    await approveThrough(a, at.village_review, REVIEW_STAGES);
    await approveThrough(a, at.township_verification, REVIEW_STAGES.slice(1));
    await approveThrough(a, at.county_approval, REVIEW_STAGES.slice(2));
    expect((await supplement(a.applicant, at.await_supplement)).status).toBe(200);
    await approveThrough(a, at.await_supplement, REVIEW_STAGES);
    const reexam = await openTask(a.township, at.reexamination, 'reexamination');
    await decide(a.township, reexam.taskId, {
      decision: 'uphold',
      comment: '复核维持原决定',
      reason: '经复核，家庭人均纯收入仍高于监测标准',
    });
    for (const caseId of Object.values(at).filter((id) => id !== at.reexamination)) {
      await statusReached(a.applicant, caseId, 'enrolled', 60_000);
    }
    await statusReached(a.applicant, at.reexamination, 'rejected');
    for (const caseId of Object.values(at)) {
      const last = await rt.engine.waitForExecution((await executionOf(caseId)).executionArn, 30_000);
      expect(last.status, caseId).toBe('SUCCEEDED');
      expect(last.stateMachineVersionArn, caseId).toBe(v2);
      const audit = await a.county.get(`/api/cases/${caseId}/audit`);
      expect(audit.body.chain.valid, caseId).toBe(true);
    }
  });

  it('a moved execution whose first step runs only after the decision opens no second task: it carries the decision on', async () => {
    // Arrange: the case's execution is stopped (as migrate does) and the task decided before a new one runs
    const { caseId } = await file(a.applicant, validHousehold(7300));
    const task = await openTask(a.village, caseId, 'village_review');
    const old = await executionOf(caseId);
    await rt.engine.stopExecution(old.executionArn, 'Migrated', 'test');
    // what migrate starts the new execution with, read (as migrate reads it) before the decision lands
    const input = await resumeInput(sharedDeps(), caseId);
    await decide(a.village, task.taskId, approval('village_review'));

    // Act: the new execution enters at the stage the case stood at when it was started
    await rt.engine.startExecution({
      stateMachineArn: process.env.IDENTIFICATION_STATE_MACHINE_ARN!,
      name: `${caseId}.2`,
      input: input!,
    });

    // Assert: it goes on to township verification; the village has no second task for the case
    await openTask(a.township, caseId, 'township_verification');
    const view = await caseOf(a.village, caseId);
    expect(view.timeline.filter((r: { action: string }) => r.action === 'task_opened')).toHaveLength(2);
    expect((await inboxOf(a.village)).filter((t) => t.caseId === caseId)).toEqual([]);
  });
});
