import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpEvent } from '../../functions/api/http.ts';
import { handler as tasksHandler } from '../../functions/api/tasks.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import type { Runtime } from '../../local/runtime.ts';
import { validHousehold } from '../support/fixtures.ts';
import { type ApiClient, loginAll, startTestRuntime } from '../support/runtime.ts';
import { approval, decide, file, openTask } from '../support/scenario.ts';

/*
 * The reviewer's inbox over HTTP: filters, the escalations view, reassignment and the next level up stepping in.
 * As in the reports test, the handlers' clock is held at chosen instants (SIM_TIME_ANCHOR with a negligible
 * TIME_SCALE) while the engine keeps real time, so every due date is known and no escalation timer fires: a
 * task is overdue exactly when the held clock has passed its due date.
 */
const H = 3_600_000;
const DAY = 24 * H;
// Working-day limits run to the end of a day, so cases are filed on different days to get distinct due dates.
const T0 = Date.parse('2026-11-02T09:00:00+08:00'); // a Monday
const T1 = Date.parse('2026-11-16T09:00:00+08:00'); // two weeks on: every task opened that first week is past due
const NOW = T1 + DAY + 3 * H; // where the clock stays while the tests run

const VILLAGE = '611002100201';
const NEIGHBOUR_VILLAGE = '611002101202'; // in township 611002101, same county

let rt: Runtime;
const users: Record<string, ApiClient> = {};
let household = 3100;

function holdClockAt(ms: number) {
  process.env.SIM_TIME_ANCHOR = `${Date.now()}:${ms}`;
  process.env.TIME_SCALE = '1e-9';
}

interface TaskRow {
  taskId: string;
  caseId: string;
  stage: string;
  status: string;
  dueAt: string;
  overdue: boolean;
  assignee?: string;
  claimedAt?: string;
}
interface ErrorBody {
  error: { code: string; details: { path: string; rule: string }[] };
}

/** The tasks of each case, by name: A* overdue village reviews, C* village reviews not yet due, … */
const t: Record<string, TaskRow & { caseId: string }> = {};

/** Files a case in `village` by `filer` and waits for its village review task. */
async function fileCase(name: string, filer: string, village: string) {
  const { caseId } = await file(users[filer]!, validHousehold(household++, village));
  t[name] = (await openTask(users[filer]!, caseId, 'village_review')) as TaskRow;
}

/** Approves the village review of `name` and waits for its township verification task. */
async function toTownship(name: string, village: string, township: string) {
  await decide(users[village]!, t[name]!.taskId, approval('village_review'));
  t[name] = (await openTask(users[township]!, t[name]!.caseId, 'township_verification')) as TaskRow;
}

beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: 1, startAt: T0 });
  Object.assign(users, await loginAll(rt.url));
  holdClockAt(T0);
  await fileCase('A1', 'village', VILLAGE);
  holdClockAt(T0 + DAY);
  await fileCase('A2', 'village', VILLAGE);
  await fileCase('N1', 'village2', NEIGHBOUR_VILLAGE);
  holdClockAt(T0 + 2 * DAY);
  await fileCase('B', 'village', VILLAGE);
  await toTownship('B', 'village', 'township');
  holdClockAt(T0 + 3 * DAY);
  await fileCase('M', 'village2', NEIGHBOUR_VILLAGE);
  await toTownship('M', 'village2', 'township2');
  holdClockAt(T1);
  await fileCase('C1', 'village', VILLAGE);
  holdClockAt(T1 + DAY);
  await fileCase('C2', 'village', VILLAGE);
  holdClockAt(NOW);
}, 180_000);
afterAll(() => rt?.stop());

const list = (who: string, query = '') =>
  users[who]!.get<{ items: TaskRow[]; cursor?: string } & ErrorBody>(`/api/tasks${query ? `?${query}` : ''}`);

/** Every page of a listing, following cursors; short pages are fine. */
async function allPages(who: string, query: string): Promise<TaskRow[]> {
  const items: TaskRow[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 50; pages++) {
    const res = await list(who, `${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.cursor;
    if (!cursor) return items;
  }
  throw new Error('too many pages');
}

const ids = (rows: { taskId: string }[]) => rows.map((r) => r.taskId);
const idsOf = (...names: string[]) => names.map((n) => t[n]!.taskId);
const errorOf = (body: unknown) => (body as ErrorBody).error;

async function trail(caseId: string) {
  const res = await users.county!.get<{
    records: {
      action: string;
      actor: { sub: string };
      stage?: string;
      comment?: string;
      data: Record<string, unknown>;
    }[];
  }>(`/api/cases/${caseId}/audit`);
  expect(res.status).toBe(200);
  return res.body.records;
}

describe('GET /api/tasks: filters', () => {
  it('pages the whole inbox with a cursor, soonest due first, no task twice', async () => {
    const rows = await allPages('village', 'limit=3');

    expect(ids(rows)).toEqual(idsOf('A1', 'A2', 'C1', 'C2'));
    expect(rows.map((r) => r.dueAt)).toEqual([...rows.map((r) => r.dueAt)].sort());
  });

  it('overdue=true bounds the due date below now; overdue=false above; both page with a cursor', async () => {
    const overdue = await allPages('village', 'overdue=true&limit=1');
    const notYet = await allPages('village', 'overdue=false&limit=1');

    expect(ids(overdue)).toEqual(idsOf('A1', 'A2'));
    expect(overdue.every((r) => r.overdue)).toBe(true);
    expect(ids(notYet)).toEqual(idsOf('C1', 'C2'));
    expect(notYet.some((r) => r.overdue)).toBe(false);
  });

  it('stage narrows the inbox to one stage', async () => {
    expect(ids((await list('village', 'stage=village_review')).body.items)).toEqual(
      idsOf('A1', 'A2', 'C1', 'C2'),
    );
    expect((await list('village', 'stage=county_approval')).body.items).toEqual([]);
    expect(ids((await list('township', 'stage=township_verification')).body.items)).toEqual(idsOf('B'));
    expect((await list('township', 'stage=objection_review')).body.items).toEqual([]);
  });

  it('mine=true lists the tasks the caller claimed, combinable with the other filters', async () => {
    expect((await users.village!.post(`/api/tasks/${t.A2!.taskId}/claim`)).status).toBe(200);

    expect(ids((await list('village', 'mine=true')).body.items)).toEqual(idsOf('A2'));
    expect(ids((await list('village', 'mine=true&overdue=true&stage=village_review')).body.items)).toEqual(
      idsOf('A2'),
    );
    expect((await list('village', 'mine=true&overdue=false')).body.items).toEqual([]);
    expect((await list('village_b', 'mine=true')).body.items).toEqual([]);
  });

  it('bad values are a 400 naming every bad query field', async () => {
    const res = await list('village', 'stage=harvest&overdue=yes&mine=false&view=all&limit=0');

    expect(res.status).toBe(400);
    expect(
      errorOf(res.body)
        .details.map((d) => d.path)
        .sort(),
    ).toEqual(['query.limit', 'query.mine', 'query.overdue', 'query.stage', 'query.view']);
  });

  it('the escalations view lists overdue tasks only: overdue=false there is a 400', async () => {
    const res = await list('township', 'view=escalations&overdue=false');

    expect(res.status).toBe(400);
    expect(errorOf(res.body).details).toMatchObject([{ path: 'query.overdue', rule: 'escalations_overdue' }]);
  });

  it('roles without an inbox, or without a level below, get 403', async () => {
    expect((await list('auditor')).status).toBe(403);
    expect((await list('applicant')).status).toBe(403);
    expect((await list('village', 'view=escalations')).status).toBe(403);
  });
});

describe('GET /api/tasks?view=escalations', () => {
  it('a township reviewer sees the overdue village reviews of its own villages, paged, soonest due first', async () => {
    const rows = await allPages('township', 'view=escalations&limit=1');

    expect(ids(rows)).toEqual(idsOf('A1', 'A2'));
    expect(rows.every((r) => r.stage === 'village_review' && r.overdue)).toBe(true);
  });

  it('the neighbour township sees its own overdue village review, and only that', async () => {
    expect(ids(await allPages('township2', 'view=escalations&limit=2'))).toEqual(idsOf('N1'));
  });

  it('a county reviewer sees the overdue township-level tasks of every township of its county', async () => {
    const rows = await allPages('county', 'view=escalations&limit=1');

    expect(ids(rows)).toEqual(idsOf('B', 'M'));
    expect(rows.every((r) => r.stage === 'township_verification')).toBe(true);
  });

  it('combines with stage and mine', async () => {
    expect((await list('county', 'view=escalations&stage=objection_review')).body.items).toEqual([]);
    expect(
      ids((await list('township', 'view=escalations&stage=village_review&overdue=true')).body.items),
    ).toEqual(idsOf('A1', 'A2'));
    expect((await list('township', 'view=escalations&mine=true')).body.items).toEqual([]);
  });
});

describe('a neighbour township never appears', () => {
  it('in any listing of township 611002100', async () => {
    const neighbour = idsOf('N1', 'M');
    for (const query of ['limit=100', 'overdue=true', 'overdue=false', 'view=escalations&limit=100']) {
      for (const who of ['township', 'township_b']) {
        const seen = ids(await allPages(who, query));
        expect(
          seen.filter((id) => neighbour.includes(id)),
          `${who} ${query}`,
        ).toEqual([]);
      }
    }
  });

  it('and its tasks look absent (404) to every action', async () => {
    const n1 = t.N1!.taskId;
    expect((await users.township!.get(`/api/tasks/${n1}`)).status).toBe(404);
    expect((await users.township!.get(`/api/tasks/${n1}/assignees`)).status).toBe(404);
    expect(
      (await users.township!.post(`/api/tasks/${n1}/reassign`, { assignee: 'demo-village2' })).status,
    ).toBe(404);
    expect((await users.township!.post(`/api/tasks/${n1}/decision`, approval('village_review'))).status).toBe(
      404,
    );
    expect((await users.township2!.get(`/api/tasks/${t.A1!.taskId}`)).status).toBe(404);
  });
});

describe('the staff directory', () => {
  it('lists the colleagues a task may go to: its role and jurisdiction, not its current assignee', async () => {
    const open = await users.village!.get<{ items: { sub: string; name: string; role: string }[] }>(
      `/api/tasks/${t.A1!.taskId}/assignees`,
    );
    const claimed = await users.village!.get<{ items: { sub: string }[] }>(
      `/api/tasks/${t.A2!.taskId}/assignees`,
    );

    expect(open.status).toBe(200);
    expect(open.body.items.map((m) => m.sub).sort()).toEqual(['demo-village', 'demo-village_b']);
    expect(open.body.items.find((m) => m.sub === 'demo-village_b')).toEqual({
      sub: 'demo-village_b',
      name: '吴芳（村两委）',
      role: 'village_reviewer',
      jurisdiction: VILLAGE,
    });
    expect(claimed.body.items.map((m) => m.sub)).toEqual(['demo-village_b']);
  });

  it('a reviewer signed in elsewhere (Cognito claims) enters it with their first call', async () => {
    const claims = {
      sub: 'cognito-4f1c',
      'cognito:username': 'qianxl',
      name: '钱小丽（村两委）',
      'custom:role': 'village_reviewer',
      'custom:jurisdiction': VILLAGE,
    };
    const event = {
      version: '2.0',
      routeKey: 'GET /api/tasks',
      rawPath: '/api/tasks',
      rawQueryString: '',
      headers: {},
      isBase64Encoded: false,
      requestContext: {
        requestId: 'inbox-test',
        http: { method: 'GET', path: '/api/tasks' },
        authorizer: { jwt: { claims, scopes: [] } },
      },
    } as unknown as HttpEvent;

    const res = await tasksHandler(event, lambdaContext('tasks', 30_000));

    expect(res.statusCode).toBe(200);
    const listed = await users.village!.get<{ items: { sub: string }[] }>(
      `/api/tasks/${t.A1!.taskId}/assignees`,
    );
    expect(listed.body.items.map((m) => m.sub)).toContain('cognito-4f1c');
  });
});

describe('POST /api/tasks/{taskId}/reassign', () => {
  it('hands a claimed task to a colleague: claimedAt kept, the trail says from whom to whom', async () => {
    const res = await users.village!.post<TaskRow>(`/api/tasks/${t.A2!.taskId}/reassign`, {
      assignee: 'demo-village_b',
      comment: '本人外出培训，转交吴芳',
    });

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      status: 'claimed',
      assignee: 'demo-village_b',
      claimedAt: expect.any(String),
    });
    const before = (await list('village_b', 'mine=true')).body.items;
    expect(ids(before)).toEqual(idsOf('A2'));
    const last = (await trail(t.A2!.caseId)).at(-1)!;
    expect(last).toMatchObject({
      action: 'reassigned',
      actor: { sub: 'demo-village' },
      comment: '本人外出培训，转交吴芳',
      data: {
        taskId: t.A2!.taskId,
        from: { sub: 'demo-village', name: '李秀英（村两委）' },
        to: { sub: 'demo-village_b', name: '吴芳（村两委）' },
      },
    });
    expect(last.data.onBehalfOf).toBeUndefined();
  });

  it('hands an open task over claimed now', async () => {
    const res = await users.village_b!.post<TaskRow>(`/api/tasks/${t.C1!.taskId}/reassign`, {
      assignee: 'demo-village',
    });

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Date.parse(res.body.claimedAt!)).toBe(NOW);
    expect(res.body.assignee).toBe('demo-village');
    expect((await trail(t.C1!.caseId)).at(-1)!.data.from).toBeUndefined();
  });

  it.each([
    ['someone not in the directory', 'nobody-7', 'known_colleague'],
    ['a reviewer of another role', 'demo-township', 'same_role'],
    ['a village reviewer of another village', 'demo-village2', 'task_jurisdiction'],
    ['the current assignee', 'demo-village', 'not_current_assignee'],
  ])('400 naming assignee for %s', async (_what, assignee, rule) => {
    const res = await users.village!.post(`/api/tasks/${t.C1!.taskId}/reassign`, { assignee });

    expect(res.status).toBe(400);
    expect(errorOf(res.body).details).toMatchObject([{ path: 'assignee', rule }]);
  });

  it('400 for a body without an assignee or with unknown fields', async () => {
    const missing = await users.village!.post(`/api/tasks/${t.C1!.taskId}/reassign`, {});
    const extra = await users.village!.post(`/api/tasks/${t.C1!.taskId}/reassign`, {
      assignee: 'demo-village_b',
      to: 1,
    });

    expect(missing.status).toBe(400);
    expect(errorOf(missing.body).details.map((d) => d.path)).toEqual(['assignee']);
    expect(extra.status).toBe(400);
    expect(errorOf(extra.body).details).toMatchObject([{ path: 'to', rule: 'unknown_field' }]);
  });

  it('409 for a colleague of the role who is not the claimant; 403 for other roles; 404 for unknown tasks', async () => {
    const claimedByOther = await users.village!.post(`/api/tasks/${t.A2!.taskId}/reassign`, {
      assignee: 'demo-village',
    });

    expect(claimedByOther.status).toBe(409);
    expect(errorOf(claimedByOther.body).details).toEqual([{ path: 'task.assignee', rule: 'claimant' }]);
    for (const who of ['applicant', 'auditor', 'county']) {
      const res = await users[who]!.post(`/api/tasks/${t.C2!.taskId}/reassign`, {
        assignee: 'demo-village_b',
      });
      expect(res.status, who).toBe(403);
    }
    expect(
      (await users.village!.post('/api/tasks/task_nope/reassign', { assignee: 'demo-village_b' })).status,
    ).toBe(404);
  });
});

describe('the next level up steps in', () => {
  it('a township reviewer sees and reassigns a village task, audited on behalf of the village reviewer', async () => {
    expect((await users.township!.get(`/api/tasks/${t.A1!.taskId}`)).status).toBe(200);
    expect((await users.township!.get(`/api/tasks/${t.A1!.taskId}/assignees`)).status).toBe(200);

    const res = await users.township!.post<TaskRow>(`/api/tasks/${t.A1!.taskId}/reassign`, {
      assignee: 'demo-village_b',
    });

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.assignee).toBe('demo-village_b');
    expect((await trail(t.A1!.caseId)).at(-1)).toMatchObject({
      action: 'reassigned',
      actor: { sub: 'demo-township' },
      data: { onBehalfOf: 'village_reviewer', to: { sub: 'demo-village_b' } },
    });
  });

  it('but claims only the tasks of its own role (403)', async () => {
    expect((await users.township!.post(`/api/tasks/${t.C2!.taskId}/claim`)).status).toBe(403);
  });

  it('only the claimant decides a claimed task: a colleague gets 409', async () => {
    const res = await users.village!.post(`/api/tasks/${t.A1!.taskId}/decision`, approval('village_review'));

    expect(res.status).toBe(409);
    expect(errorOf(res.body).details).toEqual([{ path: 'task.assignee', rule: 'claimant' }]);
  });

  it('a township reviewer decides a village task claimed by someone else; the trail shows the override', async () => {
    const done = await decide(users.township!, t.A2!.taskId, approval('village_review'));

    expect(done).toMatchObject({ status: 'done', decision: 'approve', assignee: 'demo-village_b' });
    const decided = (await trail(t.A2!.caseId)).find((r) => r.action === 'decided')!;
    expect(decided).toMatchObject({
      actor: { sub: 'demo-township' },
      data: { taskId: t.A2!.taskId, onBehalfOf: 'village_reviewer' },
    });
    await openTask(users.township!, t.A2!.caseId, 'township_verification');
  });

  it('a county reviewer decides an overdue township verification on behalf of the township reviewer', async () => {
    await decide(users.county!, t.B!.taskId, approval('township_verification'));

    const decided = (await trail(t.B!.caseId)).filter((r) => r.action === 'decided').at(-1)!;
    expect(decided).toMatchObject({
      actor: { sub: 'demo-county' },
      stage: 'township_verification',
      data: { onBehalfOf: 'township_reviewer' },
    });
  });

  it('two levels up may not act (403); the claimant decides without an override', async () => {
    expect(
      (await users.county!.post(`/api/tasks/${t.A1!.taskId}/decision`, approval('village_review'))).status,
    ).toBe(403);

    await decide(users.village_b!, t.A1!.taskId, approval('village_review'));

    const decided = (await trail(t.A1!.caseId)).find((r) => r.action === 'decided')!;
    expect(decided.actor.sub).toBe('demo-village_b');
    expect(decided.data.onBehalfOf).toBeUndefined();
  });

  it('a decided task takes no reassignment (409)', async () => {
    const res = await users.village_b!.post(`/api/tasks/${t.A1!.taskId}/reassign`, {
      assignee: 'demo-village',
    });
    const picker = await users.village_b!.get(`/api/tasks/${t.A1!.taskId}/assignees`);

    expect(res.status).toBe(409);
    expect(errorOf(res.body).details).toEqual([{ path: 'task.status', rule: 'not_done' }]);
    expect(picker.status).toBe(409);
  });
});
