import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../functions/commons/clock.ts';
import { sharedDeps } from '../../functions/services/deps.ts';
import { closePublicity } from '../../functions/services/workflow.ts';
import type { Runtime } from '../../local/runtime.ts';
import { startRuntime } from '../../local/runtime.ts';
import { startSimClock } from '../../local/sim-clock.ts';
import { validHousehold } from '../support/fixtures.ts';
import { login, loginAll, startTestRuntime } from '../support/runtime.ts';
import {
  type Actors,
  approval,
  approveThrough,
  caseOf,
  decide,
  file,
  openTask,
  REVIEW_STAGES,
  rejection,
  reviewerOf,
  statusReached,
} from '../support/scenario.ts';

/** 5 simulated days of publicity pass in about 7 real seconds; stage limits (≥ 3 working days) in ≥ 4 s. */
const TIME_SCALE = 60_000;

let rt: Runtime;
let a: Actors;
let seq = 100;
const household = () => validHousehold(seq++);

beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: TIME_SCALE });
  a = await loginAll(rt.url, ['applicant', 'village', 'township', 'county']);
});
afterAll(() => rt?.stop());

describe('identification state machine, synthesized by CDK, executed locally', () => {
  it('approve at every stage → publicity → enrolled, with a valid chained trail in order', async () => {
    const { caseId } = await file(a.applicant, household());

    await approveThrough(a, caseId, REVIEW_STAGES);
    const enrolled = await statusReached(a.applicant, caseId, 'enrolled');

    const actions = enrolled.timeline.map((r: { action: string }) => r.action);
    expect(actions).toEqual([
      'filed',
      'task_opened',
      'decided',
      'task_opened',
      'decided',
      'task_opened',
      'decided',
      'publicity_started',
      'enrolled',
    ]);
    const times = enrolled.timeline.map((r: { at: string }) => Date.parse(r.at));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    const started = enrolled.timeline.find((r: { action: string }) => r.action === 'publicity_started');
    const ended = enrolled.timeline.at(-1);
    expect(Date.parse(ended.at) - Date.parse(started.at)).toBeGreaterThanOrEqual(5 * 86_400_000);
    const audit = await a.county.get<{ chain: { valid: boolean; length: number } }>(
      `/api/cases/${caseId}/audit`,
    );
    expect(audit.body.chain).toEqual({ valid: true, length: actions.length });
  });

  it('closing publicity again (a retried or replayed step) answers the route taken and writes nothing', async () => {
    const { caseId } = await file(a.applicant, household());
    await approveThrough(a, caseId, REVIEW_STAGES);
    const enrolled = await statusReached(a.applicant, caseId, 'enrolled');

    const route = await closePublicity(sharedDeps(), caseId);

    expect(route).toEqual({ target: 'end', status: 'enrolled' });
    const after = await caseOf(a.applicant, caseId);
    expect(after.version).toBe(enrolled.version);
    expect(after.timeline).toHaveLength(enrolled.timeline.length);
  });

  for (const [i, stage] of REVIEW_STAGES.entries()) {
    it(`reject at ${stage} → rejected, no open task, household free to apply again`, async () => {
      const h = household();
      const { caseId } = await file(a.applicant, h);
      await approveThrough(a, caseId, REVIEW_STAGES.slice(0, i));
      const task = await openTask(reviewerOf(a, stage), caseId, stage);

      await decide(reviewerOf(a, stage), task.taskId, rejection(stage));

      const c = await statusReached(a.applicant, caseId, 'rejected');
      expect(c.stage).toBe(stage);
      expect(c.openTaskId).toBeUndefined();
      const decided = c.timeline.at(-1);
      expect(decided).toMatchObject({ action: 'decided', decision: 'reject', stage });
      expect(decided.data.reason).toBe('收入高于监测标准');
      const inbox = await reviewerOf(a, stage).get<{ items: { caseId: string }[] }>('/api/tasks?limit=100');
      expect(inbox.body.items.map((t) => t.caseId)).not.toContain(caseId);
      const again = await a.applicant.post('/api/cases', { procedure: 'identification', household: h });
      expect(again.status).toBe(201);
    });
  }
});

describe('restart', () => {
  it('resumes every in-flight case at its stage from the case records', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'aa-restart-'));
    const start = () =>
      startRuntime({ port: 0, dataDir, timeScale: 1, startAt: Date.parse('2026-11-02T09:00:00+08:00') });
    try {
      let r = await start();
      let village = await login(r.url, 'village');
      const applicant = await login(r.url, 'applicant');
      const { caseId } = await file(applicant, household());
      const before = await openTask(village, caseId, 'village_review');
      await r.stop();

      r = await start();
      village = await login(r.url, 'village');
      const township = await login(r.url, 'township');
      const after = await openTask(village, caseId, 'village_review');
      await decide(village, after.taskId, approval('village_review'));
      const next = await openTask(township, caseId, 'township_verification');
      await r.stop();

      expect(after.taskId).toBe(before.taskId);
      expect(next.caseId).toBe(caseId);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('resumes a case the execution journal never saw (a kill -9 right after the filing): the case record is the truth', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'aa-nojournal-'));
    const start = () =>
      startRuntime({ port: 0, dataDir, timeScale: 1, startAt: Date.parse('2026-11-02T09:00:00+08:00') });
    try {
      let r = await start();
      const applicant = await login(r.url, 'applicant');
      const { caseId } = await file(applicant, household());
      await openTask(await login(r.url, 'village'), caseId, 'village_review');
      await r.stop();
      // what a power loss between the filing's write and the journal's leaves: the case, no execution
      await unlink(join(dataDir, 'executions.json'));

      r = await start();
      const village = await login(r.url, 'village');
      const task = await openTask(village, caseId, 'village_review');
      await decide(village, task.taskId, approval('village_review'));
      const next = await openTask(await login(r.url, 'township'), caseId, 'township_verification');
      await r.stop();

      expect(next.caseId).toBe(caseId);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('never runs the simulated clock backwards across a kill -9: the stored bound is ahead of any time handed out', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'aa-clockkill-'));
    const startAt = Date.parse('2026-03-02T09:00:00+08:00');
    try {
      const crashed = await startSimClock({ dataDir, timeScale: 100_000, startAt });
      await new Promise((resolve) => setTimeout(resolve, 700));
      const lastHandedOut = systemClock.now();
      // no stop(): the process died; the next run reads what the running one last wrote
      const restarted = await startSimClock({ dataDir, timeScale: 100_000, startAt });
      const resumed = systemClock.now();
      await restarted();
      await crashed();

      expect(lastHandedOut - startAt).toBeGreaterThan(60_000_000);
      expect(resumed).toBeGreaterThanOrEqual(lastHandedOut);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('starts a fresh clock at startAt, even one behind real time, and never runs a stored clock backwards', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'aa-clock-'));
    const startAt = Date.parse('2026-03-02T09:00:00+08:00');
    try {
      let r = await startRuntime({ port: 0, dataDir, timeScale: 1000, startAt });
      const first = systemClock.now();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await r.stop();
      const stopped = systemClock.now();

      r = await startRuntime({ port: 0, dataDir, timeScale: 1000, startAt: startAt - 86_400_000 });
      const resumed = systemClock.now();
      await r.stop();

      // at startAt plus the start-up's real seconds × 1000, well behind real time
      expect(first - startAt).toBeGreaterThanOrEqual(0);
      expect(first - startAt).toBeLessThan(60_000 * 1000);
      expect(first).toBeLessThan(Date.now());
      expect(stopped - first).toBeGreaterThanOrEqual(200_000);
      expect(resumed).toBeGreaterThanOrEqual(stopped);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
