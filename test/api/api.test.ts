import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../local/runtime.ts';
import { validHousehold } from '../support/fixtures.ts';
import { type ApiClient, client, loginAll, startTestRuntime } from '../support/runtime.ts';
import { approval, caseOf, file, openTask, statusReached } from '../support/scenario.ts';

let rt: Runtime;
const users: Record<string, ApiClient> = {};
let seq = 500;

beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: 60_000 });
  Object.assign(users, await loginAll(rt.url));
});
afterAll(() => rt?.stop());

const errorOf = (body: unknown) =>
  (body as { error: { code: string; message: string; details: { path: string; rule: string }[] } }).error;

describe('the full path, driven only through the HTTP API', () => {
  it('files, claims and decides every task, waits out publicity, and ends enrolled', async () => {
    const { caseId } = await file(users.applicant!, validHousehold(seq++));
    const steps: [string, string][] = [
      ['village', 'village_review'],
      ['township', 'township_verification'],
      ['county', 'county_approval'],
    ];

    for (const [user, stage] of steps) {
      const reviewer = users[user]!;
      const task = await openTask(reviewer, caseId, stage);
      const claimed = await reviewer.post(`/api/tasks/${task.taskId}/claim`);
      expect(claimed.status).toBe(200);
      expect(claimed.body).toMatchObject({ status: 'claimed', assignee: `demo-${user}` });
      const decided = await reviewer.post(`/api/tasks/${task.taskId}/decision`, approval(stage));
      expect(decided.status).toBe(200);
      expect(decided.body).toMatchObject({ status: 'done', decision: 'approve' });
    }
    const enrolled = await statusReached(users.applicant!, caseId, 'enrolled');

    expect(enrolled.household.head.idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
    expect(enrolled.household.head.phone).toBeUndefined();
    expect(JSON.stringify(enrolled)).not.toContain('taskToken');
    const listed = await users.county!.get<{ items: { caseId: string; status: string }[] }>(
      '/api/cases?status=enrolled&limit=100',
    );
    expect(listed.body.items.map((c) => c.caseId)).toContain(caseId);
  });
});

describe('bad input gets a 4xx naming the field and the rule, and writes nothing', () => {
  it('400 lists every bad field of an application', async () => {
    const h = validHousehold(seq++);
    const bad = {
      procedure: 'identification',
      household: {
        ...h,
        head: {
          ...h.head,
          idNumber: `${h.head.idNumber.slice(0, 17)}${h.head.idNumber.endsWith('0') ? '1' : '0'}`,
        },
        villageCode: '61100210020',
        category: 'rich',
        riskTypes: [],
      },
    };

    const res = await users.applicant!.post('/api/cases', bad);

    expect(res.status).toBe(400);
    const e = errorOf(res.body);
    expect(e.code).toBe('invalid_input');
    const found = e.details.map((d) => `${d.path}:${d.rule}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'household.head.idNumber:resident_id_check_digit',
        'household.villageCode:village_code',
        'household.category:invalid_value',
        'household.riskTypes:min_items',
      ]),
    );
    const mine = await users.applicant!.get<{ items: unknown[] }>('/api/cases?limit=100');
    const before = mine.body.items.length;
    await users.applicant!.post('/api/cases', bad);
    expect((await users.applicant!.get<{ items: unknown[] }>('/api/cases?limit=100')).body.items.length).toBe(
      before,
    );
  });

  it('403 names the village code outside the caller’s jurisdiction', async () => {
    const res = await users.village2!.post('/api/cases', {
      procedure: 'identification',
      household: validHousehold(seq++, '611002100201'),
    });

    expect(res.status).toBe(403);
    expect(errorOf(res.body).details).toEqual([
      expect.objectContaining({ path: 'household.villageCode', rule: 'within_jurisdiction' }),
    ]);
  });

  it('403 names household.source when a household files a cadre’s screening; the village cadre may', async () => {
    const household = { ...validHousehold(seq++), source: 'cadre_screening' };
    const before = (await users.applicant!.get<{ items: unknown[] }>('/api/cases?limit=100')).body.items
      .length;

    const byHousehold = await users.applicant!.post('/api/cases', { procedure: 'identification', household });
    const byCadre = await users.village!.post('/api/cases', { procedure: 'identification', household });

    expect(byHousehold.status).toBe(403);
    expect(errorOf(byHousehold.body).details).toEqual([
      expect.objectContaining({ path: 'household.source', rule: 'self_declared' }),
    ]);
    expect((await users.applicant!.get<{ items: unknown[] }>('/api/cases?limit=100')).body.items.length).toBe(
      before,
    );
    expect(byCadre.status, JSON.stringify(byCadre.body)).toBe(201);
  });

  it('409 names the open case of a household that applies twice', async () => {
    const h = validHousehold(seq++);
    const { caseId } = await file(users.applicant!, h);

    const res = await users.village!.post('/api/cases', {
      procedure: 'identification',
      household: { ...validHousehold(seq++), members: [{ ...h.members[0]!, idNumber: h.head.idNumber }] },
    });

    expect(res.status).toBe(409);
    expect(errorOf(res.body).message).toContain(caseId);
  });

  it('400 for a decision missing its stage record, and for a reject without reason', async () => {
    const { caseId } = await file(users.applicant!, validHousehold(seq++));
    const task = await openTask(users.village!, caseId, 'village_review');

    const noDetails = await users.village!.post(`/api/tasks/${task.taskId}/decision`, {
      decision: 'approve',
    });
    const noReason = await users.village!.post(`/api/tasks/${task.taskId}/decision`, { decision: 'reject' });
    const wrongDecision = await users.village!.post(`/api/tasks/${task.taskId}/decision`, {
      decision: 'uphold',
    });

    expect(noDetails.status).toBe(400);
    expect(errorOf(noDetails.body).details).toEqual([
      expect.objectContaining({ path: 'details', rule: 'required' }),
    ]);
    expect(noReason.status).toBe(400);
    expect(errorOf(noReason.body).details).toEqual([
      expect.objectContaining({ path: 'reason', rule: 'required' }),
    ]);
    expect(wrongDecision.status).toBe(400);
    expect(errorOf(wrongDecision.body).details).toEqual([
      expect.objectContaining({ path: 'decision', rule: 'allowed_at_stage' }),
    ]);
    const still = await users.village!.get<{ status: string }>(`/api/tasks/${task.taskId}`);
    expect(still.body.status).toBe('open');
  });

  it('two concurrent decisions on one task: exactly one wins, the other gets 409', async () => {
    const { caseId } = await file(users.applicant!, validHousehold(seq++));
    const task = await openTask(users.village!, caseId, 'village_review');

    const [x, y] = await Promise.all([
      users.village!.post(`/api/tasks/${task.taskId}/decision`, approval('village_review')),
      users.village!.post(`/api/tasks/${task.taskId}/decision`, {
        decision: 'reject',
        reason: '不符合条件',
        details: approval('village_review').details,
      }),
    ]);

    expect([x.status, y.status].sort()).toEqual([200, 409]);
    const c = await caseOf(users.village!, caseId);
    expect(c.timeline.filter((r: { action: string }) => r.action === 'decided')).toHaveLength(1);
  });
});

describe('who may do what', () => {
  it('401 without a token or with a bad one', async () => {
    const anonymous = await client(rt.url).get('/api/cases');
    const forged = await client(rt.url, 'eyJhbGciOiJIUzI1NiJ9.e30.invalid').get('/api/cases');

    expect(anonymous.status).toBe(401);
    expect(errorOf(anonymous.body).code).toBe('unauthorized');
    expect(forged.status).toBe(401);
  });

  it('403 for a wrong role: an applicant deciding, an auditor filing', async () => {
    const { caseId } = await file(users.applicant!, validHousehold(seq++));
    const task = await openTask(users.village!, caseId, 'village_review');

    const applicantDecides = await users.applicant!.post(
      `/api/tasks/${task.taskId}/decision`,
      approval('village_review'),
    );
    const auditorFiles = await users.auditor!.post('/api/cases', {
      procedure: 'identification',
      household: validHousehold(seq++),
    });
    const countyClaimsVillageTask = await users.county!.post(`/api/tasks/${task.taskId}/claim`);

    expect(applicantDecides.status).toBe(403);
    expect(auditorFiles.status).toBe(403);
    expect(countyClaimsVillageTask.status).toBe(403);
  });

  it('404 for another township’s case and task: no existence leak', async () => {
    const { caseId } = await file(users.applicant!, validHousehold(seq++));
    const task = await openTask(users.village!, caseId, 'village_review');

    const caseRead = await users.township2!.get(`/api/cases/${caseId}`);
    const auditRead = await users.township2!.get(`/api/cases/${caseId}/audit`);
    const otherVillage = await users.village2!.post(
      `/api/tasks/${task.taskId}/decision`,
      approval('village_review'),
    );
    const unknown = await users.township!.get('/api/cases/case_does_not_exist');

    expect(caseRead.status).toBe(404);
    expect(auditRead.status).toBe(404);
    expect(otherVillage.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(errorOf(caseRead.body)).toEqual(errorOf(unknown.body));
  });

  it('the applicant sees only their own cases; a township only its villages', async () => {
    const { caseId } = await file(users.village!, validHousehold(seq++));

    const applicantList = await users.applicant!.get<{ items: { caseId: string }[] }>('/api/cases?limit=100');
    const township2List = await users.township2!.get<{ items: { caseId: string }[] }>('/api/cases?limit=100');
    const townshipList = await users.township!.get<{ items: { caseId: string }[] }>('/api/cases?limit=100');

    expect(applicantList.body.items.map((c) => c.caseId)).not.toContain(caseId);
    expect(township2List.body.items.map((c) => c.caseId)).not.toContain(caseId);
    expect(townshipList.body.items.map((c) => c.caseId)).toContain(caseId);
  });

  it('serves health and the OpenAPI document without a token', async () => {
    const health = await client(rt.url).get('/health');
    const doc = await client(rt.url).get<{ openapi: string; paths: Record<string, unknown> }>(
      '/openapi.json',
    );

    expect(health.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\.1/);
    expect(Object.keys(doc.body.paths)).toContain('/api/cases/{caseId}');
  });
});
