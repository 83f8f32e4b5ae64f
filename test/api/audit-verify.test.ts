import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seedCounty } from '../../bench/seed.ts';
import { keys } from '../../functions/store/keys.ts';
import { Store } from '../../functions/store/store.ts';
import { localDynamoDbClient } from '../../local/dynamodb.ts';
import type { Runtime } from '../../local/runtime.ts';
import { validHousehold } from '../support/fixtures.ts';
import { type ApiClient, loginAll, startTestRuntime } from '../support/runtime.ts';
import { file, openTask } from '../support/scenario.ts';

/*
 * POST /api/audit/verify over several calls: `limit` caps the cases one call checks, a time budget stops a walk
 * that would outlast API Gateway's timeout, and `cursor` carries the walk on right after the last case checked.
 */
let rt: Runtime;
let users: Record<string, ApiClient>;
let doc: DynamoDBDocumentClient;
const cases: string[] = [];
const FILED = 5;
const START = Date.parse('2026-11-02T09:00:00+08:00');

interface Verification {
  county: string;
  checked: number;
  valid: number;
  broken: { caseId: string; brokenAt: number; reason: string }[];
  complete: boolean;
  cursor?: string;
}
interface ErrorBody {
  error: { code: string; details: { path: string; rule: string }[] };
}

beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: 1, startAt: START });
  users = await loginAll(rt.url, ['applicant', 'village', 'auditor', 'admin']);
  doc = DynamoDBDocumentClient.from(localDynamoDbClient(process.env.AWS_ENDPOINT_URL_DYNAMODB!));
  for (let i = 0; i < FILED; i++) {
    const { caseId } = await file(users.village!, validHousehold(800 + i));
    // the workflow's first step writes the second record: wait for it, then the trail stays still
    await openTask(users.village!, caseId, 'village_review');
    cases.push(caseId);
  }
}, 120_000);
afterAll(async () => {
  doc?.destroy();
  await rt?.stop();
});

const verify = (query = '') => users.auditor!.post<Verification>(`/api/audit/verify?county=611002${query}`);

/** Every page of a walk `limit` cases at a time, first to last. */
async function walk(limit: number): Promise<Verification[]> {
  const pages: Verification[] = [];
  let cursor: string | undefined;
  do {
    const res = await verify(`&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    pages.push(res.body);
    cursor = res.body.cursor;
  } while (cursor && pages.length <= FILED);
  return pages;
}

/** Edits a record's comment behind the API's back: the case's chain breaks at that record. */
async function tamper(caseId: string, seq: number) {
  await doc.send(
    new UpdateCommand({
      TableName: process.env.TABLE_NAME!,
      Key: keys.audit(caseId, seq),
      UpdateExpression: 'SET #c = :c',
      ExpressionAttributeNames: { '#c': 'comment' },
      ExpressionAttributeValues: { ':c': '篡改' },
    }),
  );
}

const byCase = (a: { caseId: string }, b: { caseId: string }) => (a.caseId < b.caseId ? -1 : 1);
const problems = (body: unknown) => (body as ErrorBody).error.details.map((d) => `${d.path}:${d.rule}`);

describe('POST /api/audit/verify in pages', () => {
  it('answers a county that fits in one call completely, with no cursor', async () => {
    const res = await verify();

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ county: '611002', checked: FILED, valid: FILED, broken: [], complete: true });
  });

  it('with limit = the county’s size still ends complete: no cursor promises cases that are not there', async () => {
    const res = await verify(`&limit=${FILED}`);

    expect(res.body).toEqual({ county: '611002', checked: FILED, valid: FILED, broken: [], complete: true });
  });

  it('limit=2 walks the whole county: every case checked once, complete only on the last page', async () => {
    // Arrange: break every case but the last, each at its own record, so each page names the cases it checked
    const tampered = cases.slice(0, -1);
    for (const [i, caseId] of tampered.entries()) await tamper(caseId, 1 + (i % 2));
    const whole = await verify();

    // Act
    const pages = await walk(2);

    // Assert
    expect(pages.map((p) => p.checked)).toEqual([2, 2, 1]);
    expect(pages.map((p) => p.complete)).toEqual([false, false, true]);
    expect(pages.map((p) => p.cursor === undefined)).toEqual([false, false, true]);
    for (const page of pages) expect(page.valid).toBe(page.checked - page.broken.length);
    const named = pages.flatMap((p) => p.broken);
    expect(new Set(named.map((b) => b.caseId)).size).toBe(named.length);
    expect([...named].sort(byCase)).toEqual([...whole.body.broken].sort(byCase));
    expect(named.map((b) => b.caseId).sort()).toEqual([...tampered].sort());
    expect(named.every((b) => b.reason === 'content')).toBe(true);
    expect(pages.reduce((n, p) => n + p.checked, 0)).toBe(whole.body.checked);
    expect(pages.reduce((n, p) => n + p.valid, 0)).toBe(whole.body.valid);
  });

  it('refuses a cursor it did not return, or returned for another jurisdiction', async () => {
    const first = await verify('&limit=1');
    // the walk's own cursor, inside the seal the API edge adds (store/cursor sealCursor)
    const inner = Buffer.from(first.body.cursor!.split('.')[0]!, 'base64url').toString('utf8');
    const envelope = JSON.parse(Buffer.from(inner, 'base64url').toString('utf8'));
    const forge = (c: unknown) => encodeURIComponent(Buffer.from(JSON.stringify(c)).toString('base64url'));

    const responses = await Promise.all([
      verify('&cursor=not-a-cursor'),
      verify(`&cursor=${forge({ ...envelope, scope: '611002100' })}`),
      verify(`&cursor=${forge({ ...envelope, after: 'garbage' })}`),
      verify(`&cursor=${forge(['611002'])}`),
    ]);

    for (const res of responses) {
      expect(res.status).toBe(400);
      expect(problems(res.body)).toEqual(['query.cursor:cursor']);
    }
  });

  it('refuses a limit that is not a whole number from 1 to 5000', async () => {
    const responses = await Promise.all(['0', '5001', '2.5', 'two', ''].map((l) => verify(`&limit=${l}`)));

    for (const res of responses) {
      expect(res.status).toBe(400);
      expect(problems(res.body).map((p) => p.split(':')[0])).toEqual(['query.limit']);
    }
  });

  it('records every call in the access log, without its cursor', async () => {
    const log = await users.admin!.get<{ items: { route: string; query?: Record<string, string> }[] }>(
      '/api/audit/access-log?actor=auditor&limit=100',
    );

    const verifications = log.body.items.filter((e) => e.route === 'POST /api/audit/verify');
    // the calls above that succeeded: whole, limit=5, whole + three pages, limit=1 (refused ones are not reads)
    expect(verifications).toHaveLength(1 + 1 + (1 + 3) + 1);
    expect(verifications.every((e) => e.query?.county === '611002' && e.query.cursor === undefined)).toBe(
      true,
    );
    expect(verifications.filter((e) => e.query?.limit === '2')).toHaveLength(3);
  });
});

describe('POST /api/audit/verify against the time budget', () => {
  const SEEDED = 150;

  beforeAll(async () => {
    await seedCounty({
      store: Store.fromEnv(),
      cases: SEEDED,
      now: START,
      stateMachineArn: 'arn:aws:states:ap-east-1:000000000000:stateMachine:identification',
    });
  }, 120_000);

  it('stops after the page that used up the budget, and the cursor carries on from there', async () => {
    // Arrange: the walk's wall clock jumps a minute at every reading, so its budget is gone after one page
    const whole = await verify();
    const real = performance.now.bind(performance);
    let readings = 0;
    const jumpy = vi.spyOn(performance, 'now').mockImplementation(() => real() + 60_000 * readings++);

    // Act
    let first: Awaited<ReturnType<typeof verify>>;
    try {
      first = await verify();
    } finally {
      jumpy.mockRestore();
    }
    const rest = await verify(`&cursor=${encodeURIComponent(first.body.cursor ?? '')}`);

    // Assert
    expect(whole.body).toMatchObject({ checked: FILED + SEEDED, complete: true });
    expect(first.body).toMatchObject({ checked: 100, complete: false });
    expect(rest.body).toMatchObject({ checked: FILED + SEEDED - 100, complete: true });
    expect(rest.body.cursor).toBeUndefined();
    expect([...first.body.broken, ...rest.body.broken].sort(byCase)).toEqual(
      [...whole.body.broken].sort(byCase),
    );
  });
});
