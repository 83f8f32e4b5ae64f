import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_ERROR_MESSAGES } from '../../functions/core/failure.ts';
import { sharedDeps } from '../../functions/services/deps.ts';
import { handler as markError } from '../../functions/steps/mark-error.ts';
import { keys } from '../../functions/store/keys.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import type { Runtime } from '../../local/runtime.ts';
import type { AuditRecord } from '../../schemas/records.ts';
import { maskId } from '../../schemas/resident-id.ts';
import { residentId, validHousehold } from '../support/fixtures.ts';
import { type ApiClient, loginAll, startTestRuntime } from '../support/runtime.ts';
import { auditOf, caseOf, decide, file, openTask, statusReached, supplement } from '../support/scenario.ts';

let rt: Runtime;
let u: Record<'applicant' | 'village' | 'county' | 'auditor' | 'admin', ApiClient>;
let seq = 800;

beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: 1 });
  u = await loginAll(rt.url, ['applicant', 'village', 'county', 'auditor', 'admin']);
});
afterAll(() => rt?.stop());

/** An ID number that turns up in free text (a typo'd note, an error message), never one of a household here. */
const STRAY_ID = residentId(99, '19721224');
const MASKED_STRAY = maskId(STRAY_ID);

/** A Lambda failure as a Step Functions Catch hands it to Mark error: JSON with the stack trace and file paths. */
const lambdaFailure = (caseId: string) => ({
  Error: 'DomainError',
  Cause: JSON.stringify({
    errorType: 'DomainError',
    errorMessage: `case ${caseId}: ${STRAY_ID} at /var/task/functions/services/workflow.mjs:12:7`,
    trace: [
      'DomainError: case not found',
      '    at openStage (file:///var/task/index.mjs:10:5)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    ],
  }),
});

/** What must never reach an applicant, a reviewer or the audit chain from a failure's cause. */
const INTERNALS = ['trace', '/var/task', 'index.mjs', 'node:internal', 'processTicksAndRejections', STRAY_ID];

const expectNoInternals = (value: unknown) => {
  const text = JSON.stringify(value);
  for (const s of INTERNALS) expect(text, s).not.toContain(s);
};

interface ListedCase {
  caseId: string;
  error?: Record<string, unknown>;
}

describe('a step failure shows a code and a plain message; its cause only to admins and auditors', () => {
  let caseId: string;

  beforeAll(async () => {
    ({ caseId } = await file(u.applicant, validHousehold(seq++)));
    await openTask(u.village, caseId, 'village_review');
    await markError({ caseId, error: lambdaFailure(caseId) }, lambdaContext('mark-error', 30_000));
  });

  it('the applicant and the reviewers read the code and message only: in the case, the list and the timeline', async () => {
    const forApplicant = await statusReached(u.applicant, caseId, 'error');
    const forVillage = await caseOf(u.village, caseId);
    const forCounty = await caseOf(u.county, caseId);
    const listed = await u.applicant.get<{ items: ListedCase[] }>('/api/cases?status=error&limit=100');

    const error = { code: 'step_failed', message: CASE_ERROR_MESSAGES.step_failed, at: expect.any(String) };
    for (const c of [forApplicant, forVillage, forCounty]) {
      expect(c.error).toEqual(error);
      expectNoInternals(c);
    }
    expect(listed.body.items.find((c) => c.caseId === caseId)?.error).toEqual(error);
    expectNoInternals(listed.body);
    const record = (forApplicant.timeline as AuditRecord[]).find((r) => r.action === 'error');
    expect(record).toMatchObject({ comment: CASE_ERROR_MESSAGES.step_failed, data: { code: 'step_failed' } });
  });

  it('admins and auditors also read the cause: its type and message, no trace, no path, the ID masked', async () => {
    const cause = `DomainError: case ${caseId}: ${MASKED_STRAY} at [path]`;

    for (const who of [u.admin, u.auditor]) {
      const c = await caseOf(who, caseId);
      expect(c.error).toMatchObject({ code: 'step_failed', cause });
      expectNoInternals(c);
    }
  });

  it('the audit chain records the code and message only, and stays valid', async () => {
    const { trail } = await sharedDeps().store.getCaseWithTrail(caseId);
    const audit = await auditOf(u.auditor, caseId);

    const stored = trail.find((r) => r.action === 'error')!;
    expect(stored).toMatchObject({ comment: CASE_ERROR_MESSAGES.step_failed, data: { code: 'step_failed' } });
    expectNoInternals(trail);
    expect(JSON.stringify(trail)).not.toContain('workflow.mjs');
    expect(audit.chain).toEqual({ valid: true, length: trail.length });
  });

  it('a case marked before codes existed (a raw cause with its trace) shows no more than a new one', async () => {
    // Arrange: the error as an older version stored it
    const { caseId: old } = await file(u.applicant, validHousehold(seq++));
    await openTask(u.village, old, 'village_review');
    await sharedDeps().store.doc.send(
      new UpdateCommand({
        TableName: sharedDeps().store.tableName,
        Key: keys.case(old),
        UpdateExpression: 'SET #s = :error, #e = :e',
        ExpressionAttributeNames: { '#s': 'status', '#e': 'error' },
        ExpressionAttributeValues: {
          ':error': 'error',
          ':e': { cause: `DomainError: ${lambdaFailure(old).Cause}`, at: '2026-11-02T09:00:05.000+08:00' },
        },
      }),
    );

    // Act
    const forApplicant = await caseOf(u.applicant, old);
    const forAdmin = await caseOf(u.admin, old);

    // Assert
    expect(forApplicant.error).toEqual({
      code: 'step_failed',
      message: CASE_ERROR_MESSAGES.step_failed,
      at: '2026-11-02T09:00:05.000+08:00',
    });
    expect(forAdmin.error.cause).toContain(MASKED_STRAY);
    expectNoInternals(forApplicant);
    expectNoInternals(forAdmin);
  });
});

describe('ID and phone numbers typed into free text are masked in every view (core/masking)', () => {
  it('the household, the timeline and the audit records never show them in any written form', async () => {
    // Arrange
    const h = validHousehold(seq++);
    const narrative = `亲属身份证ABC${STRAY_ID}，电话 +86 138 1234 5678。`;
    const { caseId } = await file(u.applicant, { ...h, narrative });
    const task = await openTask(u.village, caseId, 'village_review');
    await decide(u.village, task.taskId, {
      decision: 'return',
      comment: `请核实户主电话138-1234-5678及身份证${STRAY_ID}`,
      missing: [`${STRAY_ID.slice(0, 6)} ${STRAY_ID.slice(6, 14)} ${STRAY_ID.slice(14)} 的户口页`],
    });
    await statusReached(u.applicant, caseId, 'returned');
    const res = await supplement(u.applicant, caseId, { note: '已补充，联系电话 138 1234 5678' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);

    // Act
    const views = [
      await caseOf(u.applicant, caseId),
      await caseOf(u.village, caseId),
      (await u.village.get(`/api/cases?limit=100`)).body,
      await auditOf(u.auditor, caseId),
    ];

    // Assert
    for (const view of views) {
      const text = JSON.stringify(view);
      expect(text).not.toContain(STRAY_ID);
      expect(text.replace(/\D/g, '')).not.toContain('13812345678');
    }
    const c = views[0];
    expect(c.household.narrative).toBe(`亲属身份证ABC${MASKED_STRAY}，电话 [电话已隐去]。`);
    const comments = (c.timeline as AuditRecord[]).map((r) => r.comment).filter(Boolean);
    expect(comments).toContain(`请核实户主电话[电话已隐去]及身份证${MASKED_STRAY}`);
    expect(comments).toContain('已补充，联系电话 [电话已隐去]');
    expect(views[3].chain.valid).toBe(true);
  });
});
