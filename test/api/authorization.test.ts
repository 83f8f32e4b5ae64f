import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, routeKey } from '../../functions/api/routes.ts';
import { defaultPolicy } from '../../functions/core/policy.ts';
import { sharedDeps } from '../../functions/services/deps.ts';
import type { CaseItem } from '../../functions/store/case.ts';
import { DEMO_USERS } from '../../local/auth.ts';
import type { Runtime } from '../../local/runtime.ts';
import type { Role } from '../../schemas/common.ts';
import { expectConforming } from '../support/contract.ts';
import { validHousehold } from '../support/fixtures.ts';
import { type ApiClient, client, eventually, startTestRuntime } from '../support/runtime.ts';
import {
  approval,
  decide,
  file,
  rejection,
  returnForSupplement,
  workflowEnded,
} from '../support/scenario.ts';

/*
 * The authorization matrix of contract v1, over real HTTP against one local runtime: every route × every role ×
 * a resource (or a `county=`/`township=` query) inside the caller's jurisdiction (`own`) and outside it
 * (`other`), each answered with an exact status. "Other" is the neighbouring township 611002101: cases filed by
 * village2 (village 611002101202) and tasks of township2; for reports and county settings, a county or township
 * the caller does not cover. A county-wide caller covers both townships, so its `other` cells on cases and
 * tasks read like its `own` ones.
 *
 * Fixtures are built once, in parallel, before any cell runs. A cell that is expected to change something gets
 * its own fresh fixture; every other cell shares one per kind and side, which nothing may change: a refused
 * write must leave the case (version, status, stage, task) or the setting exactly as it was.
 */

/** Columns of the matrix, in this order. */
const ROLES = [
  'applicant',
  'village_reviewer',
  'township_reviewer',
  'county_reviewer',
  'auditor',
  'admin',
] as const satisfies readonly Role[];
type MatrixRole = (typeof ROLES)[number];
const SIDES = ['own', 'other'] as const;
type Side = (typeof SIDES)[number];

/** The demo user playing each role, all of township 611002100 / county 611002. */
const PLAYER: Record<MatrixRole, string> = {
  applicant: 'applicant',
  village_reviewer: 'village',
  township_reviewer: 'township',
  county_reviewer: 'county',
  auditor: 'auditor',
  admin: 'admin',
};
/** Users who build fixtures (or must be in the staff directory) without being a column. */
const HELPERS = ['village2', 'township2', 'township_b'] as const;

const VILLAGE: Record<Side, string> = { own: '611002100201', other: '611002101202' };
const COUNTY: Record<Side, string> = { own: '611002', other: '611099' };
const OTHER_TOWNSHIP = '611002101';

/**
 * What a cell answers: the status, or `hid` for a listing that answers 200 without the fixture in it. On a
 * listing row, `200` means the fixture is listed.
 */
type Outcome = '200' | '201' | '403' | '404' | '409' | 'hid';
const OUTCOMES: readonly string[] = ['200', '201', '403', '404', '409', 'hid'];

/** The resources a cell acts on. */
interface Fixture {
  caseId?: string;
  taskId?: string;
  household?: ReturnType<typeof validHousehold>;
}
type Build = (side: Side) => Promise<Fixture>;

/** What a row's functions get for one cell. */
interface Cell {
  side: Side;
  role: MatrixRole;
  fx: Fixture;
  /** unique text the cell's write carries, so a write that got through can be found */
  marker: string;
  /** the cell's number within its row */
  n: number;
}

interface Row {
  /** `METHOD /path`, exactly as in ROUTES */
  route: string;
  /** six outcomes, one per role in ROLES order, on resources inside / outside the caller's jurisdiction */
  own: string;
  other: string;
  fixture?: Build;
  query?: (side: Side, role: MatrixRole) => string;
  body?: (cell: Cell) => unknown;
  /** a write: the state it could change; a refused cell must leave it as it was */
  trace?: (cell: Cell) => Promise<unknown>;
  /** a listing: the field an item is matched on the fixture with, and the code that must lie in the caller's */
  lists?: { id: 'caseId' | 'taskId'; scope: 'villageCode' | 'jurisdiction' };
}

let rt: Runtime;
const tokens: Record<string, string> = {};
const users: Record<string, ApiClient> = {};
let seq = 7000;

const store = () => sharedDeps().store;

/**
 * How long a fixture builder waits between looks at its case: thirty builders probing at `eventually`'s own pace
 * would take more of the two cores than the workflows they wait for.
 */
const SETTLE_PROBE_MS = 200;

/** Waits until the stored case satisfies `ready` (its workflow has done what the fixture needs). */
const settled = (caseId: string, ready: (c: CaseItem) => unknown) =>
  eventually(
    async () => {
      await sleep(SETTLE_PROBE_MS);
      const c = await store().getCase(caseId);
      return c && ready(c) ? c : undefined;
    },
    30_000,
    `case ${caseId} to settle`,
  );

const villageOf = (side: Side) => users[side === 'own' ? 'village' : 'village2']!;
const townshipOf = (side: Side) => users[side === 'own' ? 'township' : 'township2']!;

// ---- fixture builders: each returns once the workflow rests, so nothing moves the fixture but a cell ----

const nothing: Build = async () => ({});

const household: Build = async (side) => ({ household: validHousehold(seq++, VILLAGE[side]) });

/** Filed by the applicant (own) or village2 (other); its village review task is open. */
const openCase: Build = async (side) => {
  const filer = users[side === 'own' ? 'applicant' : 'village2']!;
  const { caseId } = await file(filer, validHousehold(seq++, VILLAGE[side]));
  const c = await settled(caseId, (c) => c.stage === 'village_review' && c.openTaskId);
  return { caseId, taskId: c.openTaskId };
};

/** Returned to the applicant at village review, its supplement wait bound (which moves the version). */
const returnedCase: Build = async (side) => {
  const { caseId, taskId } = await openCase(side);
  await decide(villageOf(side), taskId!, returnForSupplement);
  await settled(caseId!, (c) => c.status === 'returned' && c.supplementToken);
  return { caseId };
};

/** Rejected at village review, its workflow ended. */
const rejectedCase: Build = async (side) => {
  const { caseId, taskId } = await openCase(side);
  await decide(villageOf(side), taskId!, rejection('village_review'));
  await workflowEnded(rt, caseId!);
  return { caseId };
};

/** Approved by the village; its township verification task is open. */
const townshipTask: Build = async (side) => {
  const { caseId, taskId } = await openCase(side);
  await decide(villageOf(side), taskId!, approval('village_review'));
  const c = await settled(
    caseId!,
    (c) => c.stage === 'township_verification' && c.openTaskId && c.openTaskId !== taskId,
  );
  return { caseId, taskId: c.openTaskId };
};

/** A township verification task claimed by township (own) or township2 (other). */
const claimedTask: Build = async (side) => {
  const fx = await townshipTask(side);
  const res = await townshipOf(side).post(`/api/tasks/${fx.taskId}/claim`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return fx;
};

/** Approved through county approval; its publicity period is running (five real days at TIME_SCALE 1). */
const publicityCase: Build = async (side) => {
  const { caseId, taskId } = await townshipTask(side);
  await decide(townshipOf(side), taskId!, approval('township_verification'));
  const atCounty = await settled(caseId!, (c) => c.stage === 'county_approval' && c.openTaskId);
  await decide(users.county!, atCounty.openTaskId!, approval('county_approval'));
  await settled(
    caseId!,
    (c) => c.stage === 'publicity' && c.publicityEndsAt && c.route.target === 'publicity',
  );
  return { caseId };
};

// ---- traces: what a refused write must not have changed ----

const caseTrace = async ({ fx }: Cell) => {
  const c = await store().getCase(fx.caseId!);
  const t = fx.taskId ? await store().getTask(fx.taskId) : undefined;
  return {
    version: c?.version,
    status: c?.status,
    stage: c?.stage,
    task: t && { status: t.status, assignee: t.assignee, decidedAt: t.decidedAt },
  };
};

/** Cases of the county carrying the cell's marker as their narrative (a filing that got through). */
const filedTrace = async ({ marker }: Cell) => {
  let found = 0;
  let cursor: string | undefined;
  do {
    const page = await store().casesInJurisdiction(COUNTY.own, {}, { cursor, limit: 100 });
    found += page.items.filter((c) => c.household.narrative === marker).length;
    cursor = page.cursor;
  } while (cursor);
  return found;
};

const policyTrace = async ({ side, marker }: Cell) =>
  (await store().policyHistory(COUNTY[side], { limit: 100 })).items.filter((p) => p.comment === marker);

/** A day of 2031 per cell: the date a cell's calendar change would have set. */
const dayOf = (n: number) => new Date(Date.UTC(2031, 0, 1 + n)).toISOString().slice(0, 10);

const calendarTrace = async ({ side, n }: Cell) => (await store().getCalendar(COUNTY[side]))?.dates[dayOf(n)];

// ---- queries ----

const countyQuery = (side: Side) => `county=${COUNTY[side]}`;

/** Outside the caller: another county for a county-wide caller, the neighbouring township for anyone else. */
const reportQuery = (side: Side, role: MatrixRole) => {
  if (side === 'own') return countyQuery('own');
  const county = DEMO_USERS.find((u) => u.username === PLAYER[role])!.jurisdiction.length === 6;
  return county ? countyQuery('other') : `township=${OTHER_TOWNSHIP}`;
};

/**
 * The matrix: per route, the outcome of each role (applicant · village · township · county · auditor · admin)
 * inside its jurisdiction (`own`) and outside it (`other`).
 */
const MATRIX: readonly Row[] = [
  { route: 'GET /health', own: '200 200 200 200 200 200', other: '200 200 200 200 200 200' },
  { route: 'GET /openapi.json', own: '200 200 200 200 200 200', other: '200 200 200 200 200 200' },
  {
    route: 'POST /api/cases',
    own: '201 201 403 403 403 403',
    other: '403 403 403 403 403 403',
    fixture: household,
    body: ({ fx, marker }) => ({
      procedure: 'identification',
      household: { ...fx.household, narrative: marker },
    }),
    trace: filedTrace,
  },
  {
    route: 'GET /api/cases',
    own: '200 200 200 200 200 200',
    other: 'hid hid hid 200 200 200',
    fixture: openCase,
    lists: { id: 'caseId', scope: 'villageCode' },
  },
  {
    route: 'GET /api/cases/{caseId}',
    own: '200 200 200 200 200 200',
    other: '404 404 404 200 200 200',
    fixture: openCase,
  },
  {
    route: 'POST /api/cases/{caseId}/supplements',
    own: '200 200 403 403 403 403',
    other: '404 404 404 403 403 403',
    fixture: returnedCase,
    body: ({ marker }) => ({ note: marker }),
    trace: caseTrace,
  },
  {
    route: 'POST /api/cases/{caseId}/withdraw',
    own: '200 200 403 403 403 403',
    other: '404 404 404 403 403 403',
    fixture: openCase,
    body: ({ marker }) => ({ reason: marker }),
    trace: caseTrace,
  },
  {
    route: 'POST /api/cases/{caseId}/reexamination',
    own: '200 200 403 403 403 403',
    other: '404 404 404 403 403 403',
    fixture: rejectedCase,
    body: ({ marker }) => ({ reason: marker }),
    trace: caseTrace,
  },
  {
    route: 'GET /api/cases/{caseId}/audit',
    own: '200 200 200 200 200 200',
    other: '404 404 404 200 200 200',
    fixture: openCase,
  },
  {
    route: 'POST /api/cases/{caseId}/objections',
    own: '403 201 201 403 403 403',
    other: '404 404 404 403 403 403',
    fixture: publicityCase,
    body: ({ marker }) => ({ objector: { name: '刘七' }, content: marker }),
    trace: caseTrace,
  },
  {
    route: 'GET /api/cases/{caseId}/measures',
    own: '200 200 200 200 200 200',
    other: '404 404 404 200 200 200',
    fixture: openCase,
  },
  // measures and the contact belong to an enrolled case: a writer of the jurisdiction gets past the role and
  // scope checks to the 409 of a case under review
  {
    route: 'POST /api/cases/{caseId}/measures',
    own: '403 409 409 403 403 403',
    other: '404 404 404 403 403 403',
    fixture: openCase,
    body: ({ marker }) => ({
      type: 'industry',
      description: marker,
      responsibleCadre: { name: '王五' },
      plannedAt: '2026-12-31',
    }),
    trace: caseTrace,
  },
  {
    route: 'PATCH /api/cases/{caseId}/measures/{measureId}',
    own: '403 409 409 403 403 403',
    other: '404 404 404 403 403 403',
    fixture: openCase,
    body: () => ({ status: 'implemented', implementedAt: '2026-11-10', expectedVersion: 1 }),
    trace: caseTrace,
  },
  {
    route: 'PUT /api/cases/{caseId}/contact',
    own: '403 409 409 403 403 403',
    other: '404 404 404 403 403 403',
    fixture: openCase,
    body: () => ({ name: '李四', unit: '乡人民政府', phone: '13700007000' }),
    trace: caseTrace,
  },
  // the proposer's pre-check: whoever may propose (the household's applicant, the village cadre) gets past role
  // and scope to the 409 of a case not enrolled
  {
    route: 'GET /api/cases/{caseId}/risk-elimination-check',
    own: '409 409 403 403 403 403',
    other: '404 404 404 403 403 403',
    fixture: openCase,
  },
  {
    route: 'GET /api/households/{householdId}/cases',
    own: '200 200 200 200 200 200',
    other: '404 404 404 200 200 200',
    fixture: openCase,
  },
  {
    route: 'GET /api/cases/{caseId}/notice',
    own: '200 200 200 200 200 200',
    other: '404 404 404 200 200 200',
    fixture: publicityCase,
  },
  {
    route: 'GET /api/tasks',
    own: '403 hid 200 hid 403 403',
    other: '403 hid hid hid 403 403',
    fixture: townshipTask,
    lists: { id: 'taskId', scope: 'jurisdiction' },
  },
  {
    route: 'GET /api/tasks/{taskId}',
    own: '404 200 200 200 200 200',
    other: '404 404 404 200 200 200',
    fixture: townshipTask,
  },
  {
    route: 'POST /api/tasks/{taskId}/claim',
    own: '404 404 200 403 403 403',
    other: '404 404 404 403 403 403',
    fixture: townshipTask,
    trace: caseTrace,
  },
  {
    route: 'POST /api/tasks/{taskId}/unclaim',
    own: '404 404 200 403 403 403',
    other: '404 404 404 403 403 403',
    fixture: claimedTask,
    trace: caseTrace,
  },
  {
    route: 'POST /api/tasks/{taskId}/decision',
    own: '404 404 200 200 403 403',
    other: '404 404 404 200 403 403',
    fixture: townshipTask,
    body: ({ marker }) => ({ ...approval('township_verification'), comment: marker }),
    trace: caseTrace,
  },
  {
    route: 'GET /api/tasks/{taskId}/assignees',
    own: '404 404 200 200 403 403',
    other: '404 404 404 200 403 403',
    fixture: townshipTask,
  },
  {
    route: 'POST /api/tasks/{taskId}/reassign',
    own: '404 404 200 200 403 403',
    other: '404 404 404 200 403 403',
    fixture: townshipTask,
    body: ({ side, marker }) => ({
      assignee: side === 'own' ? 'demo-township_b' : 'demo-township2',
      comment: marker,
    }),
    trace: caseTrace,
  },
  {
    route: 'GET /api/reports/stage-timings',
    own: '403 403 200 200 200 200',
    other: '403 403 404 404 404 404',
    query: (side, role) => `${reportQuery(side, role)}&from=2026-11&to=2026-11`,
  },
  {
    route: 'GET /api/reports/sla-breaches',
    own: '403 403 200 200 200 200',
    other: '403 403 404 404 404 404',
    query: reportQuery,
  },
  {
    route: 'GET /api/reports/stuck',
    own: '403 403 200 200 200 200',
    other: '403 403 404 404 404 404',
    query: reportQuery,
  },
  {
    route: 'GET /api/reports/overdue',
    own: '403 200 200 200 200 200',
    other: '403 404 404 404 404 404',
    query: reportQuery,
  },
  {
    route: 'GET /api/reports/monitoring',
    own: '403 403 200 200 200 200',
    other: '403 403 404 404 404 404',
    query: (side) => `${countyQuery(side)}&year=2026`,
  },
  {
    route: 'POST /api/audit/verify',
    own: '403 403 403 403 200 403',
    other: '403 403 403 403 404 403',
    query: countyQuery,
  },
  {
    route: 'GET /api/audit/access-log',
    own: '403 403 403 403 403 200',
    other: '403 403 403 403 403 404',
    query: countyQuery,
  },
  {
    route: 'GET /api/admin/policy',
    own: '403 403 403 403 403 200',
    other: '403 403 403 403 403 404',
    query: countyQuery,
  },
  {
    route: 'PUT /api/admin/policy',
    own: '403 403 403 403 403 200',
    other: '403 403 403 403 403 404',
    body: ({ side, marker }) => {
      const { order, limits } = defaultPolicy(COUNTY[side]);
      return { county: COUNTY[side], order, limits, comment: marker };
    },
    trace: policyTrace,
  },
  {
    route: 'GET /api/admin/policy/history',
    own: '403 403 403 403 403 200',
    other: '403 403 403 403 403 404',
    query: countyQuery,
  },
  {
    route: 'GET /api/admin/calendar',
    own: '403 200 200 200 200 200',
    other: '403 404 404 404 404 404',
    query: countyQuery,
  },
  {
    route: 'PUT /api/admin/calendar',
    own: '403 403 403 403 403 200',
    other: '403 403 403 403 403 404',
    body: ({ side, n, marker }) => ({ county: COUNTY[side], dates: { [dayOf(n)]: false }, comment: marker }),
    trace: calendarTrace,
  },
];

function outcomes(row: Row, side: Side): Outcome[] {
  const cells = row[side].split(/\s+/);
  if (cells.length !== ROLES.length || cells.some((c) => !OUTCOMES.includes(c))) {
    throw new Error(`${row.route} ${side}: expected ${ROLES.length} outcomes, got "${row[side]}"`);
  }
  return cells as Outcome[];
}

interface Plan {
  row: Row;
  role: MatrixRole;
  side: Side;
  expected: Outcome;
  n: number;
  key: string;
}

const plansOf = (row: Row): Plan[] =>
  ROLES.flatMap((role, i) =>
    SIDES.map((side, j) => ({
      row,
      role,
      side,
      expected: outcomes(row, side)[i]!,
      n: i * SIDES.length + j,
      key: `${row.route} ${role} ${side}`,
    })),
  );

const succeeds = (o: Outcome) => o === '200' || o === '201';
const statusOf = (o: Outcome) => (o === 'hid' ? 200 : Number(o));

/** Fixtures by cell key (the unauthenticated cell of a row is `<route> anonymous own`). */
const fixtures = new Map<string, Promise<Fixture>>();
const sharedBuilds = new Map<Build, Partial<Record<Side, Promise<Fixture>>>>();

/** The one fixture of `build` shared by every cell of `side` that must leave it as it is. */
function shared(build: Build, side: Side): Promise<Fixture> {
  const bySide = sharedBuilds.get(build) ?? {};
  sharedBuilds.set(build, bySide);
  bySide[side] ??= build(side);
  return bySide[side];
}

/** Starts every fixture the matrix needs: fresh for each write expected to go through, shared otherwise. */
function arrangeAll(): Promise<unknown> {
  for (const row of MATRIX) {
    const build = row.fixture ?? nothing;
    for (const p of plansOf(row)) {
      fixtures.set(p.key, row.trace && succeeds(p.expected) ? build(p.side) : shared(build, p.side));
    }
    fixtures.set(`${row.route} anonymous own`, shared(build, 'own'));
  }
  return Promise.all(fixtures.values());
}

interface Answer {
  status: number;
  body: unknown;
}
type Listing = { items: Record<string, unknown>[]; cursor?: string };

/** One request over HTTP, with `token` as bearer if given; JSON bodies parsed, anything else as text. */
async function send(
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  const res = await fetch(`${rt.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = res.headers.get('content-type')?.includes('json');
  const answer = { status: res.status, body: json && text ? JSON.parse(text) : text };
  expectConforming({ method, path, contentType: res.headers.get('content-type'), ...answer });
  return answer;
}

/** The cell's request: the route's path with the fixture's ids, its query and its body. */
function request(row: Row, cell: Cell, token: string | undefined, extraQuery = ''): Promise<Answer> {
  const [method, template] = row.route.split(' ') as [string, string];
  // a household is named by its first case; a measure the case does not have: refused before it is looked up
  const path = template
    .replace('{caseId}', cell.fx.caseId ?? '')
    .replace('{taskId}', cell.fx.taskId ?? '')
    .replace('{householdId}', cell.fx.caseId ?? '')
    .replace('{measureId}', 'measure_none');
  const query = [row.query?.(cell.side, cell.role), extraQuery].filter(Boolean).join('&');
  const body = row.body?.(cell) ?? (method === 'GET' ? undefined : {});
  return send(token, method, query ? `${path}?${query}` : path, body);
}

/** A listing, every page of it: 200 with all items, or the first page's refusal. */
async function listAll(row: Row, cell: Cell, token: string): Promise<Answer> {
  const items: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  do {
    const page = await request(
      row,
      cell,
      token,
      `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (page.status !== 200) return page;
    const listing = page.body as Listing;
    items.push(...listing.items);
    cursor = listing.cursor;
  } while (cursor);
  return { status: 200, body: { items } };
}

async function login(username: string): Promise<void> {
  const res = await client(rt.url).post<{ token: string }>('/api/auth/login', { username, password: 'demo' });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  tokens[username] = res.body.token;
  users[username] = client(rt.url, res.body.token);
}

beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: 1 });
  await Promise.all([...Object.values(PLAYER), ...HELPERS].map(login));
  // reassignment targets enter the staff directory by calling a task route once
  await Promise.all(['township_b', 'township2'].map((u) => users[u]!.get('/api/tasks')));
  await arrangeAll();
}, 120_000);
afterAll(() => rt?.stop());

describe('the matrix', () => {
  it('has exactly one row per route of ROUTES', () => {
    const rows = MATRIX.map((r) => r.route);

    expect(new Set(rows).size).toBe(rows.length);
    expect([...rows].sort()).toEqual(ROUTES.map(routeKey).sort());
  });
});

/** The cell of `key`: its fixture, and the marker a write of it carries. */
async function cellOf(key: string, side: Side, role: MatrixRole, n: number): Promise<Cell> {
  return { side, role, fx: await fixtures.get(key)!, marker: `authz ${key}`, n };
}

describe.each(MATRIX.map((row) => [row.route, row] as const))('%s', (_route, row) => {
  const cells = plansOf(row).map((p) => [`${p.role}, ${p.side} → ${p.expected}`, p] as const);

  it.concurrent.for(cells)('%s', async ([, p], { expect }) => {
    // Arrange
    const cell = await cellOf(p.key, p.side, p.role, p.n);
    const caller = DEMO_USERS.find((u) => u.username === PLAYER[p.role])!;
    const before = await row.trace?.(cell);

    // Act
    const res = row.lists
      ? await listAll(row, cell, tokens[caller.username]!)
      : await request(row, cell, tokens[caller.username]!);

    // Assert
    expect(res.status, JSON.stringify(res.body)).toBe(statusOf(p.expected));
    if (row.lists && res.status === 200) {
      const { id, scope } = row.lists;
      const items = (res.body as Listing).items;
      expect(
        items.some((i) => i[id] === cell.fx[id]),
        'the fixture is listed',
      ).toBe(p.expected !== 'hid');
      expect(items.filter((i) => !String(i[scope]).startsWith(caller.jurisdiction))).toEqual([]);
    }
    if (row.trace && !succeeds(p.expected)) expect(await row.trace(cell)).toEqual(before);
  });
});

describe('without a token', () => {
  it.concurrent.for(MATRIX.map((row) => [row.route, row] as const))('%s', async ([, row], { expect }) => {
    // Arrange
    const cell = await cellOf(`${row.route} anonymous own`, 'own', 'applicant', ROLES.length * SIDES.length);
    const before = await row.trace?.(cell);
    const open = !ROUTES.find((r) => routeKey(r) === row.route)?.auth;

    // Act
    const res = await request(row, cell, undefined);

    // Assert
    expect(res.status, JSON.stringify(res.body)).toBe(open ? 200 : 401);
    if (row.trace) expect(await row.trace(cell)).toEqual(before);
  });
});
