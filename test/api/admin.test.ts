import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countyCalendar, officialCalendar } from '../../functions/commons/holidays.ts';
import { deadline, type Limit } from '../../functions/core/calendar.ts';
import { defaultPolicy } from '../../functions/core/policy.ts';
import { addDays, DAY_MS, localDate, parseIso, toIso } from '../../functions/core/time.ts';
import type { Runtime } from '../../local/runtime.ts';
import { validHousehold } from '../support/fixtures.ts';
import { type ApiClient, eventually, loginAll, startTestRuntime } from '../support/runtime.ts';
import {
  type Actors,
  approval,
  approveThrough,
  caseOf,
  decide,
  file,
  openTask,
  statusReached,
} from '../support/scenario.ts';

/*
 * County settings over real HTTP on the local runtime. Tests run in order and share the county 611002: each sets
 * the policy it relies on, and `overrides` mirrors every calendar entry the file has stored, so expected due
 * dates are computed with exactly the calendar the server counts with. At TIME_SCALE 60 000 publicity (5 days)
 * passes in about 7 s.
 */
const COUNTY = '611002';
const DEFAULTS = defaultPolicy(COUNTY);

let rt: Runtime;
let users: Record<string, ApiClient>;
let actors: Actors;
let seq = 7000;
const overrides: Record<string, boolean> = {};

beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: 60_000 });
  users = await loginAll(rt.url);
  actors = {
    applicant: users.applicant!,
    village: users.village!,
    township: users.township!,
    county: users.county!,
  };
});
afterAll(() => rt?.stop());

interface ErrorBody {
  error: { code: string; message: string; details: { path: string; rule: string }[] };
}
const errorOf = (body: unknown) => (body as ErrorBody).error;
const problems = (body: unknown) => errorOf(body).details.map((d) => `${d.path}:${d.rule}`);

async function currentPolicy() {
  const res = await users.admin!.get('/api/admin/policy');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Stores the current policy with `change` applied, from the version just read; returns the stored version. */
async function changePolicy(
  change: {
    order?: string;
    villageVote?: string;
    monitoringLine?: Record<string, number>;
    limits?: Record<string, Limit>;
  },
  comment?: string,
) {
  const current = await currentPolicy();
  const res = await users.admin!.put('/api/admin/policy', {
    order: change.order ?? current.order,
    villageVote: change.villageVote ?? current.villageVote,
    monitoringLine: change.monitoringLine ?? current.monitoringLine,
    limits: { ...current.limits, ...change.limits },
    expectedVersion: current.version,
    ...(comment ? { comment } : {}),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function putCalendar(dates: Record<string, boolean | null>, comment?: string) {
  const res = await users.admin!.put('/api/admin/calendar', { dates, ...(comment ? { comment } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  for (const [date, working] of Object.entries(dates)) {
    if (working === null) delete overrides[date];
    else overrides[date] = working;
  }
  return res.body;
}

/** Files a case and waits for its village review task (with openedAt and dueAt). */
async function fileAndOpen() {
  const { caseId } = await file(users.applicant!, validHousehold(seq++));
  const task = (await openTask(users.village!, caseId, 'village_review')) as unknown as {
    taskId: string;
    openedAt: string;
    dueAt: string;
  };
  return { caseId, task };
}

const dueFrom = (openedAt: string, limit: Limit, dates = overrides) =>
  toIso(deadline(parseIso(openedAt), limit, countyCalendar(dates)));

describe('the county policy', () => {
  it('answers the defaults as version 0 before any change', async () => {
    const policy = await currentPolicy();

    expect(policy).toEqual({
      county: COUNTY,
      version: 0,
      order: 'standard',
      villageVote: 'majority_of_cast',
      monitoringLine: {},
      riskElimination: DEFAULTS.riskElimination,
      limits: DEFAULTS.limits,
    });
  });

  it('stores each change as the next version with who changed it, and lists the versions newest first', async () => {
    const first = await changePolicy(
      { limits: { supplement: { days: 20, unit: 'calendar' } } },
      '补充材料放宽',
    );
    const second = await changePolicy({ limits: { publicity: { days: 7, unit: 'calendar' } } });

    expect(first).toMatchObject({
      version: 1,
      comment: '补充材料放宽',
      changedBy: { sub: 'demo-admin', role: 'admin' },
      limits: { ...DEFAULTS.limits, supplement: { days: 20, unit: 'calendar' } },
    });
    expect(first.changedAt).toMatch(/\+08:00$/);
    expect(second).toMatchObject({ version: 2, limits: { publicity: { days: 7, unit: 'calendar' } } });
    expect((await currentPolicy()).version).toBe(2);
    const history = await users.admin!.get('/api/admin/policy/history');
    expect(history.status).toBe(200);
    expect(history.body.items.map((p: { version: number }) => p.version)).toEqual([2, 1]);
    expect(history.body.items[1]).toMatchObject({
      comment: '补充材料放宽',
      changedBy: { sub: 'demo-admin' },
    });
  });

  it('is for admins only (403), and only for their own county (404)', async () => {
    const body = { order: 'standard', limits: DEFAULTS.limits };

    const asCounty = await users.county!.get('/api/admin/policy');
    const asAuditor = await users.auditor!.put('/api/admin/policy', body);
    const historyAsTownship = await users.township!.get('/api/admin/policy/history');
    const otherCounty = await users.admin!.get('/api/admin/policy?county=611003');
    const putOtherCounty = await users.admin!.put('/api/admin/policy', { ...body, county: '611003' });
    const otherHistory = await users.admin!.get('/api/admin/policy/history?county=611003');

    expect([asCounty.status, asAuditor.status, historyAsTownship.status]).toEqual([403, 403, 403]);
    expect(errorOf(asCounty.body).code).toBe('forbidden');
    expect([otherCounty.status, putOtherCounty.status, otherHistory.status]).toEqual([404, 404, 404]);
    expect(errorOf(otherCounty.body).code).toBe('not_found');
  });

  it('400 names every bad field and rule, and stores nothing', async () => {
    const before = await currentPolicy();
    const { reexamination: _missing, ...limits } = before.limits;

    const res = await users.admin!.put('/api/admin/policy', {
      order: 'sometimes',
      limits: {
        ...limits,
        village_review: { days: 0, unit: 'working' },
        township_verification: { days: 5, unit: 'weeks' },
        county_approval: { days: 61, unit: 'working' },
        publicity: { days: 3, unit: 'calendar' },
        fortnight: { days: 14, unit: 'calendar' },
      },
    });

    expect(res.status).toBe(400);
    expect(problems(res.body)).toEqual(
      expect.arrayContaining([
        'order:invalid_value',
        'limits.village_review.days:too_small',
        'limits.township_verification.unit:invalid_value',
        'limits.county_approval.days:too_big',
        'limits.publicity.days:publicity_min_days',
        'limits.reexamination:invalid_type',
        'limits.fortnight:unknown_field',
      ]),
    );
    expect(await currentPolicy()).toEqual(before);
  });

  it('lets only one of two changes made from the same version through: the other is a 409', async () => {
    const current = await currentPolicy();
    const put = (days: number) =>
      users.admin!.put('/api/admin/policy', {
        order: current.order,
        limits: { ...current.limits, county_approval: { days, unit: 'working' } },
        expectedVersion: current.version,
      });

    const results = await Promise.all([put(4), put(6)]);

    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const lost = results.find((r) => r.status === 409)!;
    expect(problems(lost.body)).toEqual(['expectedVersion:version']);
    const won = results.find((r) => r.status === 200)!;
    expect(await currentPolicy()).toMatchObject({ version: current.version + 1, limits: won.body.limits });
  });

  it('never stores two changes as the same version, even without expectedVersion', async () => {
    const current = await currentPolicy();

    const results = await Promise.all(
      [1, 2, 3, 4].map(() =>
        users.admin!.put('/api/admin/policy', { order: current.order, limits: current.limits }),
      ),
    );

    const statuses = results.map((r) => r.status);
    expect(
      statuses.every((s) => s === 200 || s === 409),
      JSON.stringify(statuses),
    ).toBe(true);
    const stored = results.filter((r) => r.status === 200).map((r) => r.body.version);
    expect(stored.length).toBeGreaterThan(0);
    expect(new Set(stored).size).toBe(stored.length);
    const history = await users.admin!.get('/api/admin/policy/history?limit=100');
    const newest = current.version + stored.length;
    expect(history.body.items.map((p: { version: number }) => p.version)).toEqual(
      Array.from({ length: newest }, (_, i) => newest - i),
    );
  });

  it('applies to new cases only: a case filed before a change keeps its limits and version', async () => {
    const before = await changePolicy({ limits: { village_review: { days: 3, unit: 'working' } } });
    const { caseId: oldCase } = await file(users.applicant!, validHousehold(seq++));

    const after = await changePolicy(
      { limits: { village_review: { days: 10, unit: 'calendar' } } },
      '村级评议延长',
    );
    const { caseId: newCase, task: newTask } = await fileAndOpen();
    const oldTask = (await openTask(users.village!, oldCase, 'village_review')) as unknown as typeof newTask;

    expect((await caseOf(users.village!, oldCase)).policyVersion).toBe(before.version);
    expect((await caseOf(users.village!, newCase)).policyVersion).toBe(after.version);
    expect(oldTask.dueAt).toBe(dueFrom(oldTask.openedAt, { days: 3, unit: 'working' }));
    expect(parseIso(newTask.dueAt) - parseIso(newTask.openedAt)).toBe(10 * DAY_MS);
  });

  it('a county requiring two thirds of the votes refuses a village approval short of them: 400 naming votesFor', async () => {
    const { caseId: before } = await file(users.applicant!, validHousehold(seq++));
    await changePolicy({ villageVote: 'two_thirds_of_cast' }, '评议须三分之二赞成');
    const { caseId: after } = await file(users.applicant!, validHousehold(seq++));
    const meeting = (votesFor: number) => ({
      ...approval('village_review'),
      details: { meetingDate: '2026-11-03', attendees: 30, votesFor, votesAgainst: 10 },
    });
    const afterTask = await openTask(users.village!, after, 'village_review');
    const beforeTask = await openTask(users.village!, before, 'village_review');

    const short = await users.village!.post(`/api/tasks/${afterTask.taskId}/decision`, meeting(19));
    const carried = await users.village!.post(`/api/tasks/${afterTask.taskId}/decision`, meeting(20));
    // a case keeps the policy it was filed under: a simple majority still carries it
    const older = await users.village!.post(`/api/tasks/${beforeTask.taskId}/decision`, meeting(19));

    expect(short.status).toBe(400);
    expect(errorOf(short.body).details).toEqual([
      expect.objectContaining({ path: 'details.votesFor', rule: 'majority' }),
    ]);
    expect(carried.status, JSON.stringify(carried.body)).toBe(200);
    expect(older.status, JSON.stringify(older.body)).toBe(200);
    await changePolicy({ villageVote: 'majority_of_cast' });
  });

  it('a filing above the year’s monitoring line needs a justification, then goes on flagged for the reviewers', async () => {
    const year = localDate(rt.now()).slice(0, 4);
    await changePolicy({ monitoringLine: { [year]: 5000 } }, '省定监测范围');
    const above = validHousehold(seq++); // 5,200 yuan per person
    const below = { ...validHousehold(seq++), annualNetIncomePerCapita: 4800 };

    const unjustified = await users.applicant!.post('/api/cases', {
      procedure: 'identification',
      household: above,
    });
    const justified = await users.applicant!.post('/api/cases', {
      procedure: 'identification',
      household: { ...above, justification: '户主尿毒症透析，年医疗自付 3 万余元' },
    });
    const under = await users.applicant!.post('/api/cases', {
      procedure: 'identification',
      household: below,
    });
    const policy = await currentPolicy();
    await changePolicy({ monitoringLine: {} });

    expect(policy.monitoringLine).toEqual({ [year]: 5000 });
    expect(unjustified.status).toBe(400);
    expect(errorOf(unjustified.body).details).toEqual([
      expect.objectContaining({ path: 'household.justification', rule: 'required_above_line' }),
    ]);
    expect(justified.status, JSON.stringify(justified.body)).toBe(201);
    expect(justified.body.aboveMonitoringLine).toEqual({ year: Number(year), line: 5000 });
    expect(justified.body.household.justification).toBe('户主尿毒症透析，年医疗自付 3 万余元');
    // the reviewer reading the case sees the flag
    const asReviewer = await users.village!.get(`/api/cases/${justified.body.caseId}`);
    expect(asReviewer.body.aboveMonitoringLine).toEqual({ year: Number(year), line: 5000 });
    expect(under.status).toBe(201);
    expect(under.body.aboveMonitoringLine).toBeUndefined();
  });

  it('refuses a monitoring line keyed by something other than a year, naming the field', async () => {
    const current = await currentPolicy();
    const res = await users.admin!.put('/api/admin/policy', {
      order: current.order,
      limits: current.limits,
      monitoringLine: { later: 5000 },
      expectedVersion: current.version,
    });

    expect(res.status).toBe(400);
    expect(problems(res.body)[0]).toMatch(/^monitoringLine/);
  });

  it('runs a case in the publicity_after_village order: village → publicity → township → county → enrolled', async () => {
    await changePolicy({ order: 'publicity_after_village', limits: DEFAULTS.limits }, '公示前置');
    const { caseId } = await file(users.applicant!, validHousehold(seq++));

    await approveThrough(actors, caseId, ['village_review']);
    const inPublicity = await eventually(async () => {
      const c = await caseOf(users.village!, caseId);
      return c.stage === 'publicity' ? c : undefined;
    });
    const township = await openTask(users.township!, caseId, 'township_verification');
    await decide(users.township!, township.taskId, approval('township_verification'));
    await approveThrough(actors, caseId, ['county_approval']);
    const enrolled = await statusReached(users.county!, caseId, 'enrolled');

    expect(inPublicity).toMatchObject({ stage: 'publicity', status: 'open' });
    const stages = enrolled.timeline
      .filter((r: { action: string }) => r.action === 'task_opened' || r.action === 'publicity_started')
      .map((r: { stage: string }) => r.stage);
    expect(stages).toEqual(['village_review', 'publicity', 'township_verification', 'county_approval']);
    expect(enrolled.timeline.at(-1)).toMatchObject({ action: 'decided', stage: 'county_approval' });
  });
});

describe('the working-day calendar', () => {
  it("lists the year's official holidays and make-up days with the county's entries, readable by reviewers", async () => {
    await putCalendar({ '2026-12-31': false });

    const res = await users.township!.get('/api/admin/calendar?year=2026');

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ county: COUNTY, year: 2026, coverage: { official: true } });
    const day = (date: string) => res.body.days.find((d: { date: string }) => d.date === date);
    expect(day('2026-10-01')).toMatchObject({
      working: false,
      kind: 'holiday',
      source: 'official',
      name: '国庆节',
    });
    expect(day('2026-10-10')).toMatchObject({ working: true, kind: 'make_up_workday', source: 'official' });
    expect(day('2026-12-31')).toMatchObject({
      working: false,
      kind: 'holiday',
      source: 'county',
      officialWorking: true,
    });
    expect(res.body.coverage.countyEntries).toBe(
      Object.keys(overrides).filter((d) => d.startsWith('2026-')).length,
    );
    expect(res.body.lastChange).toMatchObject({ changedBy: { sub: 'demo-admin' } });
  });

  it('flags a year the official schedule does not cover, until the county enters it', async () => {
    const before = await users.auditor!.get('/api/admin/calendar?year=2027');
    // 2027-01-01 is a Friday, 2027-02-06 a Saturday.
    await putCalendar({ '2027-01-01': false, '2027-02-06': true, '2027-02-08': false });
    const entered = await users.county!.get('/api/admin/calendar?year=2027');
    await putCalendar({ '2027-02-06': null, '2027-02-08': null });
    const reverted = await users.admin!.get('/api/admin/calendar?year=2027');

    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      coverage: { official: false, countyEntries: 0 },
      workingDays: 261,
      days: [],
    });
    expect(before.body.coverage.note).toContain('2027');
    expect(entered.body).toMatchObject({ coverage: { official: false, countyEntries: 3 }, workingDays: 260 });
    expect(entered.body.days).toEqual([
      { date: '2027-01-01', working: false, kind: 'holiday', source: 'county', officialWorking: true },
      {
        date: '2027-02-06',
        working: true,
        kind: 'make_up_workday',
        source: 'county',
        officialWorking: false,
      },
      { date: '2027-02-08', working: false, kind: 'holiday', source: 'county', officialWorking: true },
    ]);
    expect(reverted.body).toMatchObject({ coverage: { countyEntries: 1 }, workingDays: 260 });
  });

  it('lets only admins change it and every reviewer read it, in their own county', async () => {
    const asCounty = await users.county!.put('/api/admin/calendar', { dates: { '2026-12-30': false } });
    const asApplicant = await users.applicant!.get('/api/admin/calendar');
    const otherCounty = await users.village!.get('/api/admin/calendar?county=611003');
    const putOtherCounty = await users.admin!.put('/api/admin/calendar', {
      county: '611003',
      dates: { '2026-12-30': false },
    });

    expect([asCounty.status, asApplicant.status]).toEqual([403, 403]);
    expect([otherCounty.status, putOtherCounty.status]).toEqual([404, 404]);
  });

  it('400 names each bad date, too many dates, and a bad year', async () => {
    const many = Object.fromEntries(Array.from({ length: 367 }, (_, i) => [addDays('2030-01-01', i), false]));

    const bad = await users.admin!.put('/api/admin/calendar', {
      dates: { '2026-02-30': false, tomorrow: true, '2026-10-10': 'yes' },
    });
    const tooMany = await users.admin!.put('/api/admin/calendar', { dates: many });
    const empty = await users.admin!.put('/api/admin/calendar', { dates: {} });
    const year = await users.admin!.get('/api/admin/calendar?year=27');

    expect(bad.status).toBe(400);
    expect(problems(bad.body).sort()).toEqual(
      ['dates.2026-02-30:date', 'dates.2026-10-10:invalid_type', 'dates.tomorrow:date'].sort(),
    );
    expect(problems(tooMany.body)).toEqual(['dates:max_dates']);
    expect(problems(empty.body)).toEqual(['dates:min_dates']);
    expect(problems(year.body)).toEqual(['query.year:year']);
  });

  it("moves a new village task's due date past the county's days off", async () => {
    await changePolicy({ order: 'standard', limits: { village_review: { days: 3, unit: 'working' } } });
    const today = localDate(rt.now());
    // Every official working day of the coming week: however long filing takes, the count crosses them.
    const daysOff = Object.fromEntries(
      [1, 2, 3, 4, 5, 6, 7, 8]
        .map((n) => addDays(today, n))
        .filter((d) => officialCalendar.isWorkingDay(d))
        .map((d) => [d, false]),
    );
    const without = { ...overrides };
    await putCalendar(daysOff, '县级临时放假');

    const { task } = await fileAndOpen();

    expect(task.dueAt).toBe(dueFrom(task.openedAt, { days: 3, unit: 'working' }));
    expect(parseIso(task.dueAt)).toBeGreaterThan(
      parseIso(dueFrom(task.openedAt, { days: 3, unit: 'working' }, without)),
    );
    const lastDay = localDate(parseIso(task.dueAt) - 1);
    expect(daysOff[lastDay]).toBeUndefined();
  });
});

describe('the API description', () => {
  it('documents the admin routes with their bodies', async () => {
    const doc = (await users.admin!.get('/openapi.json')).body;

    expect(doc.paths['/api/admin/policy'].put.requestBody).toBeDefined();
    expect(doc.paths['/api/admin/calendar'].put.requestBody).toBeDefined();
    expect(doc.paths['/api/admin/policy/history'].get.responses['403']).toBeDefined();
  });
});
