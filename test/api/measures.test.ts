import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../local/runtime.ts';
import { expectConforming } from '../support/contract.ts';
import { validHousehold } from '../support/fixtures.ts';
import { type ApiClient, type ApiResponse, client, loginAll, startTestRuntime } from '../support/runtime.ts';
import {
  approval,
  auditOf,
  caseOf,
  decide,
  file,
  openTask,
  REVIEW_STAGES,
  statusReached,
} from '../support/scenario.ts';

/** A simulated day in 0.86 s: the five publicity days pass in about 4 s. */
const TIME_SCALE = 100_000;

let rt: Runtime;
let u: Record<'applicant' | 'village' | 'township' | 'county' | 'auditor' | 'township2', ApiClient>;
let villageToken: string;
let enrolledCaseId: string;
let seq = 900;

const reviewer = (stage: string) =>
  stage === 'village_review' ? u.village : stage === 'county_approval' ? u.county : u.township;

/** A PATCH over the socket as the village reviewer, its answer checked against the OpenAPI document. */
async function patch(path: string, body: unknown): Promise<ApiResponse> {
  const res = await fetch(`${rt.url}${path}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${villageToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const parsed = await res.json();
  expectConforming({
    method: 'PATCH',
    path,
    status: res.status,
    contentType: res.headers.get('content-type'),
    body: parsed,
  });
  return { status: res.status, body: parsed };
}

const measureBody = {
  type: 'employment',
  description: '推荐到县工业园区务工',
  responsibleCadre: { name: '王干部', phone: '13900139000' },
  plannedAt: '2026-12-20',
};

const errorOf = (body: unknown) =>
  (body as { error: { code: string; details: { path: string; rule: string }[] } }).error;

beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: TIME_SCALE });
  u = await loginAll(rt.url, ['applicant', 'village', 'township', 'county', 'auditor', 'township2']);
  const login = await client(rt.url).post<{ token: string }>('/api/auth/login', {
    username: 'village',
    password: 'demo',
  });
  villageToken = login.body.token;
  // the real path: filed, approved at each stage, publicity waited out
  enrolledCaseId = (await file(u.village, validHousehold(seq++))).caseId;
  for (const stage of REVIEW_STAGES) {
    const task = await openTask(reviewer(stage), enrolledCaseId, stage);
    await decide(reviewer(stage), task.taskId, approval(stage));
  }
  await statusReached(u.village, enrolledCaseId, 'enrolled');
}, 120_000);
afterAll(() => rt?.stop());

describe('measures over HTTP', () => {
  it('20 concurrent PATCHes of the same version: one wins, 19 get a 409 measure_version, one change on the chain', async () => {
    // Arrange
    const added = await u.village.post(`/api/cases/${enrolledCaseId}/measures`, measureBody);
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const path = `/api/cases/${enrolledCaseId}/measures/${added.body.measureId}`;

    // Act
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        patch(path, { effect: `第${i}次走访：已上岗`, expectedVersion: 1 }),
      ),
    );

    // Assert
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, ...Array(19).fill(409)]);
    for (const a of answers.filter((x) => x.status === 409)) {
      expect(errorOf(a.body).details).toEqual([
        expect.objectContaining({ path: 'expectedVersion', rule: 'measure_version' }),
      ]);
    }
    const winner = answers.find((a) => a.status === 200)!.body as { effect: string };
    const listed = await u.township.get(`/api/cases/${enrolledCaseId}/measures`);
    expect(listed.body.items).toEqual([expect.objectContaining({ version: 2, effect: winner.effect })]);
    const trail = await auditOf(u.auditor, enrolledCaseId);
    expect(trail.records.filter((r) => r.action === 'measure_updated')).toHaveLength(1);
    expect(trail.chain.valid).toBe(true);
  });

  it('malformed bodies are 400s naming every field, and write nothing', async () => {
    const before = await caseOf(u.village, enrolledCaseId);

    const post = await u.village.post(`/api/cases/${enrolledCaseId}/measures`, {
      type: 'lottery',
      responsibleCadre: { name: '', phone: '123' },
      plannedAt: '2026-13-01',
      colour: 'red',
    });
    const added = await u.village.post(`/api/cases/${enrolledCaseId}/measures`, measureBody);
    const path = `/api/cases/${enrolledCaseId}/measures/${added.body.measureId}`;
    const implemented = await patch(path, { status: 'implemented', expectedVersion: 1 });
    const cancelled = await patch(path, { status: 'cancelled', expectedVersion: 1 });
    const empty = await patch(path, { expectedVersion: 1 });
    const contact = await u.village.put(`/api/cases/${enrolledCaseId}/contact`, {
      name: '赵六',
      phone: '12',
    });

    expect(post.status).toBe(400);
    expect(
      errorOf(post.body)
        .details.map((d) => d.path)
        .sort(),
    ).toEqual([
      'colour',
      'description',
      'plannedAt',
      'responsibleCadre.name',
      'responsibleCadre.phone',
      'type',
    ]);
    expect(errorOf(implemented.body).details).toEqual([
      expect.objectContaining({ path: 'implementedAt', rule: 'required_when_implemented' }),
    ]);
    expect(errorOf(cancelled.body).details).toEqual([
      expect.objectContaining({ path: 'reason', rule: 'required_when_cancelled' }),
    ]);
    expect(errorOf(empty.body).details).toEqual([expect.objectContaining({ rule: 'nothing_to_change' })]);
    expect(
      errorOf(contact.body)
        .details.map((d) => d.path)
        .sort(),
    ).toEqual(['phone', 'unit']);
    const after = await caseOf(u.village, enrolledCaseId);
    expect(after.version).toBe(before.version + 1); // the one valid measure only
  });

  it('a measure on a case that is not enrolled is a 409; the county may not write one (403)', async () => {
    const { caseId } = await file(u.village, validHousehold(seq++));

    const open = await u.village.post(`/api/cases/${caseId}/measures`, measureBody);
    const county = await u.county.post(`/api/cases/${enrolledCaseId}/measures`, measureBody);
    const elsewhere = await u.township2.post(`/api/cases/${enrolledCaseId}/measures`, measureBody);

    expect(open.status).toBe(409);
    expect(errorOf(open.body).details).toEqual([expect.objectContaining({ rule: 'enrolled' })]);
    expect(county.status).toBe(403);
    expect(elsewhere.status).toBe(404);
  });

  it('the contact: in full on the case, masked in the list', async () => {
    const set = await u.township.put(`/api/cases/${enrolledCaseId}/contact`, {
      name: '赵六',
      unit: '县农业农村局',
      phone: '13700137000',
    });
    const detail = await caseOf(u.county, enrolledCaseId);
    const list = await u.county.get('/api/cases?status=enrolled&limit=100');

    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(detail.contact).toMatchObject({ name: '赵六', phone: '13700137000' });
    expect(detail.enrolledAt).toBeDefined();
    expect(detail.riskFoundAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const row = list.body.items.find((c: { caseId: string }) => c.caseId === enrolledCaseId);
    expect(row.contact.phone).toBe('137****7000');
  });
});

describe('the household history and the reports over HTTP', () => {
  it('GET /api/households/{householdId}/cases lists the household’s cases', async () => {
    const c = await caseOf(u.township, enrolledCaseId);

    const history = await u.township.get(`/api/households/${c.householdId}/cases`);
    const hidden = await u.township2.get(`/api/households/${c.householdId}/cases`);

    expect(history.status).toBe(200);
    expect(history.body.items).toEqual([
      expect.objectContaining({ caseId: enrolledCaseId, status: 'enrolled' }),
    ]);
    expect(hidden.status).toBe(404);
  });

  it('the monitoring report, overdue measures, and measures asked of risk elimination (400)', async () => {
    const year = new Date(rt.now() + 8 * 3600_000).toISOString().slice(0, 4);

    const report = await u.auditor.get(`/api/reports/monitoring?year=${year}`);
    const badYear = await u.auditor.get('/api/reports/monitoring?year=26');
    const overdue = await u.township.get('/api/reports/overdue?kind=measures');
    const procedure = await u.auditor.get('/api/reports/overdue?kind=measures&procedure=risk_elimination');

    expect(report.status).toBe(200);
    expect(report.body.enrolled.households).toBeGreaterThanOrEqual(1);
    expect(errorOf(badYear.body).details).toEqual([
      expect.objectContaining({ path: 'query.year', rule: 'year' }),
    ]);
    expect(overdue.status).toBe(200);
    expect(procedure.status).toBe(400);
    expect(errorOf(procedure.body).details[0]?.path).toBe('query.procedure');
  });
});
