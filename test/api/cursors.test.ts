/**
 * Every paged route answers a cursor it did not return for this very query and caller with a 400 `cursor`:
 * forged, truncated, sealed for another query, another route or another caller. Never a 500, never a page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../local/runtime.ts';
import { validHousehold } from '../support/fixtures.ts';
import { type ApiClient, loginAll, startTestRuntime } from '../support/runtime.ts';
import { file } from '../support/scenario.ts';

let rt: Runtime;
let users: Record<string, ApiClient>;

interface Paged {
  who: string;
  method: 'get' | 'post';
  /** the route with its query, to which `&limit=1&cursor=` is added */
  path: string;
  /** another query of the same route */
  other: string;
  /** another caller of the same role who may call it too */
  otherCaller?: string;
}

const PAGED: Paged[] = [
  {
    who: 'applicant',
    method: 'get',
    path: '/api/cases?',
    other: '/api/cases?status=open',
    otherCaller: undefined,
  },
  {
    who: 'village',
    method: 'get',
    path: '/api/cases?',
    other: '/api/cases?stage=village_review',
    otherCaller: 'village_b',
  },
  {
    who: 'village',
    method: 'get',
    path: '/api/tasks?',
    other: '/api/tasks?mine=true',
    otherCaller: 'village_b',
  },
  {
    who: 'admin',
    method: 'get',
    path: '/api/admin/policy/history?',
    other: '/api/admin/policy/history?county=611002',
  },
  {
    who: 'auditor',
    method: 'post',
    path: '/api/audit/verify?county=611002',
    other: '/api/audit/verify?',
  },
  {
    who: 'admin',
    method: 'get',
    path: '/api/audit/access-log?',
    other: '/api/audit/access-log?actor=demo-auditor',
  },
];
/** Paged routes with no second page here: a cursor of another route is as foreign as a forged one. */
const UNPAGED = [
  { who: 'auditor', path: '/api/reports/sla-breaches?' },
  { who: 'auditor', path: '/api/reports/sla-breaches?format=csv' },
  { who: 'auditor', path: '/api/reports/stuck?' },
  { who: 'auditor', path: '/api/reports/overdue?' },
];

const call = (p: { who: string; method?: 'get' | 'post' }, path: string, who = p.who) =>
  p.method === 'post' ? users[who]!.post(path) : users[who]!.get(path);
const withCursor = (path: string, cursor: string) =>
  `${path}${path.endsWith('?') ? '' : '&'}limit=1&cursor=${encodeURIComponent(cursor)}`;
const rules = (body: { error?: { details?: { path: string; rule: string }[] } }) =>
  body.error?.details?.map((d) => `${d.path}:${d.rule}`);

beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: 1 });
  users = await loginAll(rt.url, ['applicant', 'village', 'village_b', 'admin', 'auditor']);
  for (let i = 0; i < 3; i++) await file(users.applicant!, validHousehold(900 + i));
  const current = (await users.admin!.get('/api/admin/policy')).body;
  for (const days of [20, 21]) {
    const res = await users.admin!.put('/api/admin/policy', {
      order: current.order,
      limits: { ...current.limits, supplement: { days, unit: 'calendar' } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
  for (let i = 0; i < 3; i++) await users.auditor!.get('/api/reports/stuck');
  // the inbox fills as the workflows open their tasks
  for (let i = 0; i < 200; i++) {
    if ((await users.village!.get('/api/tasks?limit=1')).body.cursor) break;
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(async () => {
  await rt?.stop();
});

describe('paging cursors', () => {
  it.each(PAGED)('$path of $who: the next page with its own cursor, 400 with any other', async (p) => {
    const first = await call(p, withCursor(p.path, '').replace(/&cursor=$/, ''));
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const cursor: string = first.body.cursor;
    expect(cursor).toEqual(expect.any(String));
    const [body, tag] = cursor.split('.');
    const forgedInner = Buffer.from(JSON.stringify({ pk: 'CASE#x', sk: '#CASE' })).toString('base64url');

    const next = await call(p, withCursor(p.path, cursor));
    const foreign = [
      await call(p, withCursor(p.path, 'not-a-cursor')),
      await call(p, withCursor(p.path, forgedInner)),
      await call(p, withCursor(p.path, `${forgedInner}.${tag}`)),
      await call(p, withCursor(p.path, cursor.slice(0, -3))),
      await call(p, withCursor(p.path, `${body}.`)),
      await call(p, withCursor(p.other, cursor)),
      ...(p.otherCaller ? [await call(p, withCursor(p.path, cursor), p.otherCaller)] : []),
    ];

    expect(next.status, JSON.stringify(next.body)).toBe(200);
    for (const res of foreign) {
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(rules(res.body)).toEqual(['query.cursor:cursor']);
    }
  });

  it.each(UNPAGED)('$path refuses a forged cursor or one of another route with 400', async (p) => {
    const casesCursor: string = (await users.village!.get('/api/cases?limit=1')).body.cursor;
    const forged = Buffer.from(JSON.stringify({ s: 1, c: 'eyJwayI6IngifQ' })).toString('base64url');

    for (const cursor of [casesCursor, forged, `${forged}.AAAA`]) {
      const res = await call(p, withCursor(p.path, cursor));
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(rules(res.body)).toEqual(['query.cursor:cursor']);
    }
  });
});
