import { describe, expect, it } from 'vitest';
import { ContractChecker } from '../support/contract.ts';

/**
 * Every response the HTTP tests receive through their client (test/support/runtime.ts) is checked against the
 * OpenAPI document by this checker; these cases show it refuses what it must.
 */
const checker = new ContractChecker();
const JSON_TYPE = 'application/json; charset=utf-8';

const task = {
  taskId: 't-1',
  caseId: 'c-1',
  procedure: 'identification',
  stage: 'village_review',
  role: 'village_reviewer',
  jurisdiction: '611002100201',
  villageCode: '611002100201',
  status: 'open',
  openedAt: '2026-11-02T09:00:00.000+08:00',
  dueAt: '2026-11-05T09:00:00.000+08:00',
  overdue: false,
};
const error = { error: { code: 'not_found', message: 'no such task', details: [] } };

describe('the response contract check', () => {
  it('accepts a documented status with a body of its schema', () => {
    expect(
      checker.problems({
        method: 'GET',
        path: '/api/tasks/t-1',
        status: 200,
        contentType: JSON_TYPE,
        body: task,
      }),
    ).toEqual([]);
    expect(
      checker.problems({
        method: 'GET',
        path: '/api/tasks/t-1',
        status: 404,
        contentType: JSON_TYPE,
        body: error,
      }),
    ).toEqual([]);
  });

  it('names the field of a body that breaks its schema', () => {
    const { dueAt: _, ...noDue } = task;

    const problems = checker.problems({
      method: 'POST',
      path: '/api/tasks/t-1/claim',
      status: 200,
      contentType: JSON_TYPE,
      body: { ...noDue, stage: 'harvest' },
    });

    expect(problems).toEqual([
      expect.stringMatching(
        /^POST \/api\/tasks\/\{taskId\}\/claim \(claimTask\) → 200: body must have required property 'dueAt'/,
      ),
      expect.stringMatching(/body\/stage must be equal to one of the allowed values/),
    ]);
  });

  it('refuses a status the operation does not document, and an error body of the wrong shape', () => {
    expect(
      checker.problems({
        method: 'GET',
        path: '/api/cases?limit=5',
        status: 404,
        contentType: JSON_TYPE,
        body: error,
      }),
    ).toEqual(['GET /api/cases (listCases) → 404: status 404 is not documented']);
    expect(
      checker.problems({
        method: 'GET',
        path: '/api/tasks/t-1',
        status: 404,
        contentType: JSON_TYPE,
        body: { message: 'Not Found' },
      }),
    ).toEqual([expect.stringContaining("body must have required property 'error'")]);
  });

  it('refuses an undocumented content type, and accepts the CSV and HTML ones documented', () => {
    const csv = { status: 200, contentType: 'text/csv; charset=utf-8', body: '\ufeffa,b' };
    expect(
      checker.problems({ method: 'GET', path: '/api/reports/stage-timings?format=csv', ...csv }),
    ).toEqual([]);
    expect(checker.problems({ method: 'GET', path: '/api/tasks', ...csv })).toEqual([
      'GET /api/tasks (listTasks) → 200: content type text/csv; charset=utf-8 is not documented',
    ]);
    expect(
      checker.problems({
        method: 'GET',
        path: '/api/cases/c-1/notice',
        status: 200,
        contentType: 'text/html; charset=utf-8',
        body: '<p>公示</p>',
      }),
    ).toEqual([]);
  });

  it('matches the fixed path before a template, and leaves requests that are no operation alone', () => {
    expect(checker.operationOf('GET', '/api/admin/policy/history')?.op.operationId).toBe('getPolicyHistory');
    expect(checker.operationOf('GET', '/api/tasks/t-1/assignees')?.op.operationId).toBe('listAssignees');
    expect(
      checker.problems({
        method: 'GET',
        path: '/index.html',
        status: 200,
        contentType: 'text/html',
        body: '',
      }),
    ).toEqual([]);
    expect(
      checker.problems({
        method: 'DELETE',
        path: '/api/cases',
        status: 404,
        contentType: JSON_TYPE,
        body: error,
      }),
    ).toEqual([]);
  });
});
