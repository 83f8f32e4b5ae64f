/**
 * The API end-to-end suite that runs against any deployment: a URL and a way to get each user's token. It needs
 * no access to the runtime (no simulated clock, no engine): a county's case is filed, decided by the village,
 * township and county reviewers from their inboxes, and reaches publicity; its trail, chain, masking, scope,
 * bad input and the timing report are checked on the way, and every response against the OpenAPI document the
 * deployment itself serves. `test/api/remote.test.ts` runs it on the local runtime behind an OIDC issuer, and
 * `npm run test:localstack` on a stack deployed to LocalStack. Plain `node:assert`, so it runs outside vitest.
 */
import assert from 'node:assert/strict';
import type { User } from '../../schemas/records.ts';
import { ContractChecker } from './contract.ts';
import { approval } from './decisions.ts';
import { validHousehold } from './fixtures.ts';

/** The suite's people: one county's reviewers, its auditor, and a township reviewer elsewhere. */
export const JOURNEY_USERS = {
  village: { sub: 'e2e-village', name: '李秀英', role: 'village_reviewer', jurisdiction: '611002100201' },
  township: { sub: 'e2e-township', name: '王磊', role: 'township_reviewer', jurisdiction: '611002100' },
  county: { sub: 'e2e-county', name: '赵敏', role: 'county_reviewer', jurisdiction: '611002' },
  auditor: { sub: 'e2e-auditor', name: '陈刚', role: 'auditor', jurisdiction: '611002' },
  elsewhere: { sub: 'e2e-township2', name: '周强', role: 'township_reviewer', jurisdiction: '611002101' },
} as const satisfies Record<string, Omit<User, 'username'>>;
export type JourneyUser = keyof typeof JOURNEY_USERS;

export interface RemoteTarget {
  /** where the API answers (`/health`, `/openapi.json`, `/api/…` below it) */
  url: string;
  /** a bearer token the deployment accepts for one of JOURNEY_USERS */
  token(user: JourneyUser): Promise<string>;
  /** how long a workflow step may take to show in an inbox or on the case (cold starts), ms; default 30 s */
  patienceMs?: number;
}

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: the suite reads answers loosely and asserts what it needs
  body: any;
  text: string;
}

/** Runs the journey, printing each check as it passes; throws at the first that fails, naming it. */
export async function runRemoteJourney(
  target: RemoteTarget,
  log: (line: string) => void = console.log,
): Promise<{ checks: number; caseId: string }> {
  const base = target.url.replace(/\/$/, '');
  const patience = target.patienceMs ?? 30_000;
  let contract: ContractChecker | undefined;
  let checks = 0;

  async function call(user: JourneyUser | undefined, method: string, path: string, body?: unknown) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(user ? { authorization: `Bearer ${await target.token(user)}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const contentType = res.headers.get('content-type');
    const parsed = contentType?.startsWith('application/json') && text ? JSON.parse(text) : text;
    const problems =
      contract?.problems({ method, path, status: res.status, contentType, body: parsed }) ?? [];
    assert.deepEqual(problems, [], `${method} ${path}: the answer breaks the deployment's OpenAPI document`);
    return { status: res.status, body: parsed, text } satisfies Answer;
  }

  async function check<T>(name: string, run: () => Promise<T>): Promise<T> {
    try {
      const value = await run();
      checks++;
      log(`ok   ${name}`);
      return value;
    } catch (e) {
      log(`FAIL ${name}`);
      throw new Error(`${name}: ${(e as Error).message}`, { cause: e });
    }
  }

  function expectStatus(answer: Answer, status: number) {
    assert.equal(answer.status, status, answer.text.slice(0, 500));
  }

  async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const until = Date.now() + patience;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > until) throw new Error(`timed out after ${patience} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  await check('GET /health answers 200', async () =>
    expectStatus(await call(undefined, 'GET', '/health'), 200),
  );
  await check('GET /openapi.json answers the contract', async () => {
    const doc = await call(undefined, 'GET', '/openapi.json');
    expectStatus(doc, 200);
    assert.ok(doc.body?.paths?.['/api/cases'], 'the document has no /api/cases');
    contract = new ContractChecker(doc.body);
  });
  await check('GET /api/cases without a token answers 401', async () =>
    expectStatus(await call(undefined, 'GET', '/api/cases'), 401),
  );

  // a household no earlier run filed (one open case per person)
  const household = validHousehold(Math.floor(Math.random() * 59_000) + 1000);
  const headId = household.head.idNumber;
  await check('a malformed ID number is a 400 naming the field and the rule', async () => {
    const bad = { ...household, head: { ...household.head, idNumber: `${headId.slice(0, 17)}X` } };
    if (bad.head.idNumber === headId) bad.head.idNumber = `${headId.slice(0, 17)}0`;
    const answer = await call('village', 'POST', '/api/cases', {
      procedure: 'identification',
      household: bad,
    });
    expectStatus(answer, 400);
    assert.equal(answer.body.error.code, 'invalid_input');
    assert.ok(
      answer.body.error.details.some(
        (d: { path: string; rule: string }) => d.path === 'household.head.idNumber' && d.rule,
      ),
      answer.text,
    );
  });

  const filed = await check('the village cadre files an application (201)', async () => {
    const answer = await call('village', 'POST', '/api/cases', { procedure: 'identification', household });
    expectStatus(answer, 201);
    assert.equal(answer.body.procedure, 'identification');
    assert.ok(!answer.text.includes(headId), 'the answer holds the full ID number');
    return answer.body as { caseId: string; createdAt: string };
  });
  const { caseId } = filed;
  // meeting and visit dates: the filing day in China Standard Time (the deployment's clock, not this machine's)
  const filingDay = new Date(Date.parse(filed.createdAt) + 8 * 3600_000).toISOString().slice(0, 10);
  const decision = (stage: string) => {
    const body = approval(stage) as { details?: Record<string, unknown> };
    if (body.details && 'meetingDate' in body.details) body.details.meetingDate = filingDay;
    if (body.details && 'visitDate' in body.details) body.details.visitDate = filingDay;
    return body;
  };

  const stages = [
    ['village_review', 'village'],
    ['township_verification', 'township'],
    ['county_approval', 'county'],
  ] as const;
  for (const [stage, reviewer] of stages) {
    const task = await check(`the ${stage} task reaches the ${reviewer} reviewer's inbox`, () =>
      eventually(`the ${stage} task`, async () => {
        const inbox = await call(reviewer, 'GET', '/api/tasks?limit=100');
        expectStatus(inbox, 200);
        return (inbox.body.items as { taskId: string; caseId: string; stage: string }[]).find(
          (t) => t.caseId === caseId && t.stage === stage,
        );
      }),
    );
    await check(`the ${reviewer} reviewer claims and approves it`, async () => {
      expectStatus(await call(reviewer, 'POST', `/api/tasks/${task.taskId}/claim`, {}), 200);
      expectStatus(await call(reviewer, 'POST', `/api/tasks/${task.taskId}/decision`, decision(stage)), 200);
    });
  }

  const published = await check('the case goes to publicity', () =>
    eventually('publicity', async () => {
      const answer = await call('county', 'GET', `/api/cases/${caseId}`);
      expectStatus(answer, 200);
      return answer.body.stage === 'publicity' ? answer : undefined;
    }),
  );
  await check('the case shows its trail and no full ID number', async () => {
    const actions = (published.body.timeline as { action: string }[]).map((r) => r.action);
    for (const a of ['filed', 'decided', 'publicity_started'])
      assert.ok(actions.includes(a), `no ${a}: ${actions}`);
    assert.ok(!published.text.includes(headId), 'the case holds the full ID number');
  });
  await check("the case's audit chain holds", async () => {
    const audit = await call('auditor', 'GET', `/api/cases/${caseId}/audit`);
    expectStatus(audit, 200);
    assert.equal(audit.body.chain.valid, true, JSON.stringify(audit.body.chain));
    assert.equal(audit.body.chain.length, audit.body.records.length);
  });
  await check('a township reviewer elsewhere cannot see the case (404)', async () =>
    expectStatus(await call('elsewhere', 'GET', `/api/cases/${caseId}`), 404),
  );
  await check("the auditor's stage-timings report counts the village review", async () => {
    const month = filingDay.slice(0, 7);
    const report = await call(
      'auditor',
      'GET',
      `/api/reports/stage-timings?county=611002&from=${month}&to=${month}`,
    );
    expectStatus(report, 200);
    const village = (report.body.groups as { key: string; count: number }[]).find(
      (g) => g.key === 'village_review',
    );
    assert.ok(village && village.count >= 1, JSON.stringify(report.body.groups));
  });
  return { checks, caseId };
}
