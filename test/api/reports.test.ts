import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countyCalendar } from '../../functions/commons/holidays.ts';
import { deadline } from '../../functions/core/calendar.ts';
import { defaultPolicy } from '../../functions/core/policy.ts';
import { localDate, localMonth, startOfLocalDay, toIso } from '../../functions/core/time.ts';
import { isSettledMonth } from '../../functions/core/timings.ts';
import { markCaseError } from '../../functions/services/cases.ts';
import { sharedDeps } from '../../functions/services/deps.ts';
import { SAMPLES_MARGIN_MS } from '../../functions/services/timing-samples.ts';
import { closePublicity } from '../../functions/services/workflow.ts';
import { indexKeys } from '../../functions/store/keys.ts';
import type { Runtime } from '../../local/runtime.ts';
import { expectConforming } from '../support/contract.ts';
import { validHousehold } from '../support/fixtures.ts';
import { type ApiClient, client, eventually, loginAll, startTestRuntime } from '../support/runtime.ts';
import { approval, caseOf, decide, file, openTask, rejection } from '../support/scenario.ts';

/*
 * A seeded county with a known schedule of decisions. Handlers run in this process and read the simulated clock
 * from SIM_TIME_ANCHOR/TIME_SCALE on every call, so the test sets that clock to each scheduled instant and holds
 * it there (a scale of 1e-9 drifts far less than a millisecond during the test): every openedAt / claimedAt /
 * decidedAt is exactly the scheduled one. The engine keeps its own clock at scale 1, so no timer (escalation,
 * publicity) fires while the test runs.
 */
const H = 3_600_000;
const START = Date.parse('2026-11-02T09:00:00+08:00');
const POLICY = defaultPolicy('611002');
const CALENDAR = countyCalendar({});

let rt: Runtime;
const users: Record<string, ApiClient> = {};
let now = START;

function holdClockAt(ms: number) {
  expect(ms).toBeGreaterThanOrEqual(now);
  now = ms;
  process.env.SIM_TIME_ANCHOR = `${Date.now()}:${ms}`;
  process.env.TIME_SCALE = '1e-9';
}

type StageName = 'village_review' | 'township_verification' | 'county_approval';
/** One stage of a case: hours from opening to the claim (none: decided unclaimed), then to the decision. */
interface Step {
  stage: StageName;
  claimAfter?: number;
  decideAfter: number;
  reject?: true;
}
interface Row {
  taskId: string;
  dueMs: number;
  decidedMs: number;
  stage: string;
  township: string;
  month: string;
  durationMs: number;
  queueMs: number;
  workMs: number;
  breach: boolean;
}

const TOWN1 = { filer: 'village', village: '611002100201', reviewers: ['village', 'township', 'county'] };
const TOWN2 = { filer: 'village2', village: '611002101202', reviewers: ['village2', 'township2', 'county'] };
const STAGES: StageName[] = ['village_review', 'township_verification', 'county_approval'];

/** The schedule: hours (quarter-hour multiples, so hour figures are exact). Some stages run past their due date. */
const SCHEDULE: { town: typeof TOWN1; gapBefore: number; steps: Omit<Step, 'stage'>[] }[] = [
  {
    town: TOWN1,
    gapBefore: 0,
    steps: [{ claimAfter: 2, decideAfter: 5 }, { claimAfter: 20, decideAfter: 50 }, { decideAfter: 8 }],
  },
  {
    town: TOWN2,
    gapBefore: 1,
    steps: [
      { claimAfter: 1.5, decideAfter: 100 },
      { claimAfter: 4, decideAfter: 6.25 },
      { claimAfter: 1, decideAfter: 2 },
    ],
  },
  {
    town: TOWN1,
    gapBefore: 3,
    steps: [{ decideAfter: 26 }, { claimAfter: 30, decideAfter: 200, reject: true }],
  },
  {
    town: TOWN1,
    gapBefore: 10,
    steps: [{ claimAfter: 0.25, decideAfter: 0.5 }, { decideAfter: 48 }, { claimAfter: 70, decideAfter: 90 }],
  },
  {
    town: TOWN2,
    gapBefore: 2,
    steps: [{ claimAfter: 3, decideAfter: 12 }, { claimAfter: 10, decideAfter: 11 }, { decideAfter: 1.75 }],
  },
  {
    town: TOWN2,
    gapBefore: 5,
    steps: [
      { claimAfter: 8, decideAfter: 9 },
      { claimAfter: 2, decideAfter: 130 },
      { claimAfter: 5, decideAfter: 6 },
    ],
  },
  // 390 hours from application to county decision: past the 15-day whole-identification limit
  {
    town: TOWN1,
    gapBefore: 1,
    steps: [
      { claimAfter: 10, decideAfter: 100 },
      { claimAfter: 50, decideAfter: 200 },
      { claimAfter: 20, decideAfter: 90 },
    ],
  },
];

const rows: Row[] = [];
/** Every case the schedule filed: when, where, and when the county decided it (if it got that far). */
const filed: { caseId: string; township: string; filedMs: number; countyDecidedMs?: number }[] = [];
let household = 900;
let openOverdue: { taskId: string; caseId: string; dueMs: number };

/**
 * The task once its workflow waits on it (token bound): only then may the clock move on. A step still running
 * when the clock jumps (a retried open-stage step on a loaded machine) would time its wait from the new instant
 * and escalate at once.
 */
async function awaiting<T extends { taskId: string }>(task: T): Promise<T> {
  await eventually(
    async () => (await sharedDeps().store.getTask(task.taskId))?.taskToken,
    20_000,
    'token bound',
  );
  return task;
}

/** Drives one case through its scheduled steps over HTTP, recording what the report must count. */
async function drive(town: typeof TOWN1, gapBefore: number, steps: Omit<Step, 'stage'>[]) {
  holdClockAt(now + gapBefore * H);
  const { caseId } = await file(users[town.filer]!, validHousehold(household++, town.village));
  const filedCase: (typeof filed)[number] = { caseId, township: town.village.slice(0, 9), filedMs: now };
  filed.push(filedCase);
  for (const [i, step] of steps.entries()) {
    const stage = STAGES[i]!;
    const reviewer = users[town.reviewers[i]!]!;
    const opened = now;
    const task = await openTask(reviewer, caseId, stage);
    if (step.claimAfter !== undefined) {
      holdClockAt(opened + step.claimAfter * H);
      expect((await reviewer.post(`/api/tasks/${task.taskId}/claim`)).status).toBe(200);
    }
    holdClockAt(opened + step.decideAfter * H);
    const done = (await decide(reviewer, task.taskId, step.reject ? rejection(stage) : approval(stage))) as {
      openedAt: string;
      decidedAt: string;
      dueAt: string;
    };
    const due = deadline(opened, POLICY.limits[stage], CALENDAR);
    // the premise of the test: the runtime recorded exactly the scheduled instants and due date
    expect(done).toMatchObject({ openedAt: toIso(opened), decidedAt: toIso(now), dueAt: toIso(due) });
    const claimed = step.claimAfter !== undefined ? opened + step.claimAfter * H : now;
    rows.push({
      taskId: task.taskId,
      dueMs: due,
      decidedMs: now,
      stage,
      township: town.village.slice(0, 9),
      month: toIso(now).slice(0, 7),
      durationMs: now - opened,
      queueMs: claimed - opened,
      workMs: now - claimed,
      breach: now > due,
    });
    if (stage === 'county_approval') filedCase.countyDecidedMs = now;
    // the next stage's task opens at this instant: wait for it before the clock moves on
    if (!step.reject && i + 1 < steps.length)
      await awaiting(await openTask(users[town.reviewers[i + 1]!]!, caseId, STAGES[i + 1]!));
  }
}

/** Statistics in hours computed here: nearest rank = value at rank ⌈p·n/100⌉. */
function summary(values: number[]) {
  const hours = (ms: number) => ms / H;
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => hours(s[Math.ceil((p * s.length) / 100) - 1]!);
  return {
    p50: at(50),
    p90: at(90),
    p95: at(95),
    max: hours(s[s.length - 1]!),
    mean: hours(s.reduce((a, b) => a + b, 0) / s.length),
  };
}

/** The expected report, computed here from the schedule. */
function expected(selected: Row[], key: (r: Row) => string) {
  const keys = [...new Set(selected.map(key))];
  return keys.map((k) => {
    const g = selected.filter((r) => key(r) === k);
    return {
      key: k,
      count: g.length,
      breaches: g.filter((r) => r.breach).length,
      duration: summary(g.map((r) => r.durationMs)),
      queue: summary(g.map((r) => r.queueMs)),
      work: summary(g.map((r) => r.workMs)),
    };
  });
}

type Group = ReturnType<typeof expected>[number];
interface Report {
  county: string;
  township?: string;
  unit: string;
  percentiles: string;
  groups: Group[];
  cells: { township: string; stage: string; count: number; breaches: number }[];
  error: { code: string; details: { path: string; rule: string }[] };
}

function expectGroups(actual: Group[], wanted: Group[]) {
  expect(actual.map((g) => g.key).sort()).toEqual(wanted.map((g) => g.key).sort());
  for (const w of wanted) {
    const a = actual.find((g) => g.key === w.key)!;
    expect({ key: a.key, count: a.count, breaches: a.breaches }).toEqual({
      key: w.key,
      count: w.count,
      breaches: w.breaches,
    });
    for (const measure of ['duration', 'queue', 'work'] as const) {
      const { mean, ...exact } = w[measure];
      expect(a[measure], `${w.key} ${measure}`).toMatchObject(exact);
      expect(a[measure].mean).toBeCloseTo(mean, 3);
    }
  }
}

beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: 1, startAt: START });
  holdClockAt(START);
  Object.assign(users, await loginAll(rt.url));
  for (const c of SCHEDULE) await drive(c.town, c.gapBefore, c.steps);
  // one village review left open until 50 hours past its due date
  holdClockAt(now + 3 * H);
  const { caseId } = await file(users.village2!, validHousehold(household++, TOWN2.village));
  const task = await awaiting(await openTask(users.village2!, caseId, 'village_review'));
  const due = deadline(now, POLICY.limits.village_review, CALENDAR);
  openOverdue = { taskId: task.taskId, caseId, dueMs: due };
  holdClockAt(due + 50 * H);
}, 180_000);
afterAll(() => rt?.stop());

const timings = (who: string, query: string) =>
  users[who]!.get<Report>(`/api/reports/stage-timings?${query}`);

describe('GET /api/reports/stage-timings', () => {
  it('the schedule spans two months and breaches some due dates', () => {
    expect(new Set(rows.map((r) => r.month))).toEqual(new Set(['2026-11', '2026-12']));
    expect(rows.filter((r) => r.breach).length).toBeGreaterThan(0);
    expect(rows.filter((r) => !r.breach).length).toBeGreaterThan(0);
  });

  it('groups by stage: counts, nearest-rank percentiles, means and breaches equal the schedule’s', async () => {
    const res = await timings('auditor', 'county=611002&from=2026-11&to=2026-12&groupBy=stage');

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ county: '611002', unit: 'hours', percentiles: 'nearest_rank' });
    expect(res.body.groups.map((g: Group) => g.key)).toEqual(STAGES);
    expectGroups(
      res.body.groups,
      expected(rows, (r) => r.stage),
    );
  });

  it('groups by township and by month for a county reviewer', async () => {
    const byTownship = await timings('county', 'from=2026-11&to=2026-12&groupBy=township');
    const byMonth = await timings('admin', 'county=611002&from=2026-11&to=2026-12&groupBy=month');

    expectGroups(
      byTownship.body.groups,
      expected(rows, (r) => r.township),
    );
    expectGroups(
      byMonth.body.groups,
      expected(rows, (r) => r.month),
    );
  });

  it('selects only the months asked for, and one stage when asked', async () => {
    const december = await timings('auditor', 'from=2026-12&to=2026-12&groupBy=township');
    const county = await timings('auditor', 'from=2026-11&to=2026-12&stage=county_approval');

    expectGroups(
      december.body.groups,
      expected(
        rows.filter((r) => r.month === '2026-12'),
        (r) => r.township,
      ),
    );
    expectGroups(
      county.body.groups,
      expected(
        rows.filter((r) => r.stage === 'county_approval'),
        (r) => r.stage,
      ),
    );
  });

  it('shows a township reviewer only their own township', async () => {
    const own = await timings('township', 'from=2026-11&to=2026-12&groupBy=township');

    expect(own.status).toBe(200);
    expect(own.body.township).toBe('611002100');
    expectGroups(
      own.body.groups,
      expected(
        rows.filter((r) => r.township === '611002100'),
        (r) => r.township,
      ),
    );
  });

  it('answers records and breaches per township × stage whatever the grouping (the heatmap in one call)', async () => {
    const byStage = await timings('auditor', 'from=2026-11&to=2026-12&groupBy=stage');
    const byMonth = await timings('auditor', 'from=2026-11&to=2026-12&groupBy=month');
    const own = await timings('township', 'from=2026-11&to=2026-12&groupBy=township');

    const cells = (selected: Row[]) =>
      [...new Set(selected.map((r) => `${r.township}|${STAGES.indexOf(r.stage as StageName)}|${r.stage}`))]
        .sort()
        .map((id) => {
          const [township, , stage] = id.split('|') as [string, string, string];
          const g = selected.filter((r) => r.township === township && r.stage === stage);
          const breaches = g.filter((r) => r.breach).length;
          return { township, stage, procedure: 'identification', count: g.length, breaches };
        });
    expect(byStage.body.cells).toEqual(cells(rows));
    expect(byMonth.body.cells).toEqual(byStage.body.cells);
    expect(own.body.cells).toEqual(cells(rows.filter((r) => r.township === '611002100')));
  });

  it('answers 404 for another township or county, 403 for roles without reports', async () => {
    const otherTownship = await timings('township', 'township=611002101&from=2026-11&to=2026-12');
    const otherCounty = await timings('auditor', 'county=611003&from=2026-11&to=2026-12');
    const applicant = await timings('applicant', 'from=2026-11&to=2026-12');
    const village = await timings('village', 'from=2026-11&to=2026-12');

    expect([otherTownship.status, otherCounty.status, applicant.status, village.status]).toEqual([
      404, 404, 403, 403,
    ]);
    expect(otherTownship.body.error.code).toBe('not_found');
  });

  it('stores a settled month’s samples once and answers from them; the open month stays live', async () => {
    const village = (month: string) =>
      indexKeys.timingPartition('identification', '611002', 'village_review', month);
    const { store } = sharedDeps();
    expect(isSettledMonth('2026-11', now) && !isSettledMonth('2026-12', now)).toBe(true);

    const first = await timings('auditor', 'from=2026-11&to=2026-12&groupBy=township');
    const november = await store.storedSamples(village('2026-11'));
    const again = await timings('auditor', 'from=2026-11&to=2026-12&groupBy=township');

    expect(again.body.groups).toEqual(first.body.groups);
    const novemberRows = rows.filter((r) => r.month === '2026-11' && r.stage === 'village_review');
    expect(november?.through).toBeUndefined();
    expect(november?.samples.flatMap((s) => s.queueMs).sort()).toEqual(
      novemberRows.map((r) => r.queueMs).sort(),
    );
    expect(november?.samples.reduce((n, s) => n + s.breaches, 0)).toBe(
      novemberRows.filter((r) => r.breach).length,
    );
    expect(await store.storedSamples(village('2026-12'))).toBeUndefined();
    const decisions = await store.storedSamples(
      indexKeys.wholeCasePartition('identification', '611002', 'county_decision', '2026-11'),
    );
    expect(decisions?.samples.reduce((n, s) => n + s.queueMs.length, 0)).toBe(
      countyDecided().filter((c) => localMonth(c.endMs) === '2026-11').length,
    );
  });

  it('runs the scheduled timing-samples job as the scheduler would: the open month stored up to a quarter hour ago', async () => {
    const village = (month: string) =>
      indexKeys.timingPartition('identification', '611002', 'village_review', month);
    const { store } = sharedDeps();
    const before = await timings('auditor', 'from=2026-11&to=2026-12&groupBy=township');

    const results = await rt.runSchedules();

    const through = toIso(now - SAMPLES_MARGIN_MS);
    expect(Object.values(results)).toEqual([
      expect.objectContaining({ counties: ['611002'], through, tooLarge: 0 }),
    ]);
    const december = await store.storedSamples(village('2026-12'));
    const decemberRows = rows.filter(
      (r) => r.month === '2026-12' && r.stage === 'village_review' && r.decidedMs < now - SAMPLES_MARGIN_MS,
    );
    expect(december?.through).toBe(through);
    expect(december?.samples.flatMap((s) => s.queueMs).sort()).toEqual(
      decemberRows.map((r) => r.queueMs).sort(),
    );
    const after = await timings('auditor', 'from=2026-11&to=2026-12&groupBy=township');
    expect(after.body.groups).toEqual(before.body.groups);
    expect(after.body.cells).toEqual(before.body.cells);
  });

  it('names every bad query field', async () => {
    const res = await timings('auditor', 'from=2026-13&to=2026&groupBy=village');
    const reversed = await timings('auditor', 'from=2026-12&to=2026-11');

    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'query.from',
      'query.groupBy',
      'query.to',
    ]);
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.details).toEqual([
      expect.objectContaining({ path: 'query.to', rule: 'from_to' }),
    ]);
  });

  it('refuses months before 2000 or after next year, naming the field, at once', async () => {
    const window = (path: string) => [expect.objectContaining({ path, rule: 'month_window' })];
    const started = performance.now();

    const past = await timings('auditor', 'from=1999-12&to=2000-01');
    const future = await timings('auditor', 'from=2027-12&to=2028-01');
    const far = await timings('auditor', 'from=9998-01&to=9999-12');
    const breaches = await users.auditor!.get('/api/reports/sla-breaches?from=0000-01');

    expect(performance.now() - started).toBeLessThan(5_000);
    expect([past.status, future.status, far.status, breaches.status]).toEqual([400, 400, 400, 400]);
    expect(past.body.error.details).toEqual(window('query.from'));
    expect(future.body.error.details).toEqual(window('query.to'));
    expect(far.body.error.details).toEqual([...window('query.from'), ...window('query.to')]);
    expect(breaches.body.error.details).toEqual(window('query.from'));
    expect((await timings('auditor', 'from=2000-01&to=2000-12')).status).toBe(200);
    expect((await timings('auditor', 'from=2027-01&to=2027-12')).status).toBe(200);
  });
});

interface Breach {
  taskId: string;
  stage: string;
  township: string;
  state: string;
  dueAt: string;
  decidedAt?: string;
  daysOver: number;
}
type BreachPage = { items: Breach[]; cursor?: string; error?: { code: string } };

/** Every row of the breach list, following the cursor page by page. */
async function allBreaches(who: string, query: string) {
  const out: Breach[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const res = await users[who]!.get<BreachPage>(
      `/api/reports/sla-breaches?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    out.push(...res.body.items);
    cursor = res.body.cursor;
    pages++;
  } while (cursor);
  return { rows: out, pages };
}

const DAY = 86_400_000;

describe('GET /api/reports/sla-breaches', () => {
  const expectedBreaches = (township?: string) => [
    ...(township && township !== '611002101'
      ? []
      : [
          {
            taskId: openOverdue.taskId,
            state: 'open',
            dueAt: toIso(openOverdue.dueMs),
            daysOver: Math.ceil((now - openOverdue.dueMs) / DAY),
          },
        ]),
    ...rows
      .filter((r) => r.breach && (!township || r.township === township))
      .map((r) => ({
        taskId: r.taskId,
        state: 'decided',
        dueAt: toIso(r.dueMs),
        decidedAt: toIso(r.decidedMs),
        daysOver: Math.ceil((r.decidedMs - r.dueMs) / DAY),
      })),
  ];
  const byTask = (a: { taskId: string }, b: { taskId: string }) => (a.taskId < b.taskId ? -1 : 1);

  it('lists open overdue tasks first, then late decisions, with days over, across pages of 2', async () => {
    const { rows: listed, pages } = await allBreaches('auditor', 'limit=2');

    const wanted = expectedBreaches();
    expect(pages).toBeGreaterThan(1);
    expect(listed[0]).toMatchObject({ taskId: openOverdue.taskId, state: 'open' });
    expect(
      listed
        .map(({ taskId, state, dueAt, decidedAt, daysOver }) => ({
          taskId,
          state,
          dueAt,
          ...(decidedAt ? { decidedAt } : {}),
          daysOver,
        }))
        .sort(byTask),
    ).toEqual(wanted.sort(byTask));
  });

  it('filters by stage, and keeps a township reviewer inside their township', async () => {
    const village = await allBreaches('county', 'stage=village_review');
    const own = await allBreaches('township2', '');
    const other = await users.township!.get<BreachPage>('/api/reports/sla-breaches?township=611002101');

    expect(village.rows.every((r) => r.stage === 'village_review')).toBe(true);
    expect(village.rows.map((r) => r.taskId).sort()).toEqual(
      expectedBreaches()
        .filter(
          (b) =>
            b.taskId === openOverdue.taskId ||
            rows.find((r) => r.taskId === b.taskId)?.stage === 'village_review',
        )
        .map((b) => b.taskId)
        .sort(),
    );
    expect(own.rows.map((r) => r.taskId).sort()).toEqual(
      expectedBreaches('611002101')
        .map((b) => b.taskId)
        .sort(),
    );
    expect(other.status).toBe(404);
  });

  it('refuses a cursor it did not issue', async () => {
    const res = await users.auditor!.get<BreachPage>('/api/reports/sla-breaches?cursor=bm9wZQ');

    expect(res.status).toBe(400);
  });
});

/**
 * The whole-case measures, computed here: application → county decision, application → enrolled, each from the
 * day the risk was found (the filing day, when the application names none), as the 15-day rule counts.
 */
interface Span {
  caseId: string;
  township: string;
  startMs: number;
  endMs: number;
}
interface WholeGroup {
  key: string;
  count: number;
  breaches: number;
  duration: ReturnType<typeof summary>;
}
interface WholeReport {
  wholeCase: { countyDecision: WholeGroup[]; enrolled: WholeGroup[] };
}

/** Groups of spans like the report's; a span breaches when it ends after the policy's whole-case limit. */
function expectedWhole(spans: Span[], key: (s: Span) => string): WholeGroup[] {
  return [...new Set(spans.map(key))].map((k) => {
    const g = spans.filter((s) => key(s) === k);
    return {
      key: k,
      count: g.length,
      breaches: g.filter((s) => s.endMs > deadline(s.startMs, POLICY.limits.wholeIdentification, CALENDAR))
        .length,
      duration: summary(g.map((s) => s.endMs - s.startMs)),
    };
  });
}

function expectWhole(actual: WholeGroup[], wanted: WholeGroup[]) {
  expect(actual.map((g) => g.key).sort()).toEqual(wanted.map((g) => g.key).sort());
  for (const w of wanted) {
    const a = actual.find((g) => g.key === w.key)!;
    const { mean, ...exact } = w.duration;
    expect({ count: a.count, breaches: a.breaches }, w.key).toEqual({ count: w.count, breaches: w.breaches });
    expect(a.duration, w.key).toMatchObject(exact);
    expect(a.duration.mean).toBeCloseTo(mean, 3);
  }
}

const countyDecided = () =>
  filed
    .filter((f) => f.countyDecidedMs !== undefined)
    .map((f) => ({
      caseId: f.caseId,
      township: f.township,
      startMs: startOfLocalDay(localDate(f.filedMs)),
      endMs: f.countyDecidedMs!,
    }));
const enrolledSpans: Span[] = [];

describe('whole-case times in GET /api/reports/stage-timings', () => {
  beforeAll(async () => {
    // Every county-approved case enters publicity; two of them end it now (the engine's timer never fires here).
    for (const { caseId } of countyDecided()) {
      await eventually(async () =>
        (await caseOf(users.auditor!, caseId)).stage === 'publicity' ? true : undefined,
      );
    }
    for (const span of countyDecided().slice(0, 2)) {
      await closePublicity(sharedDeps(), span.caseId);
      enrolledSpans.push({ ...span, endMs: now });
    }
  });

  it('the schedule has county decisions inside and past the 15-day limit', () => {
    const whole = expectedWhole(countyDecided(), () => 'all');
    expect(whole[0]!.count).toBeGreaterThan(1);
    expect(whole[0]!.breaches).toBeGreaterThan(0);
    expect(whole[0]!.breaches).toBeLessThan(whole[0]!.count);
  });

  it('gives application → county decision and → enrolled, with breaches, as computed from the schedule', async () => {
    const res = await users.auditor!.get<WholeReport>('/api/reports/stage-timings?from=2026-11&to=2026-12');

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectWhole(
      res.body.wholeCase.countyDecision,
      expectedWhole(countyDecided(), () => 'all'),
    );
    expectWhole(
      res.body.wholeCase.enrolled,
      expectedWhole(enrolledSpans, () => 'all'),
    );
  });

  it('groups whole-case times by township and by the month the milestone was reached', async () => {
    const byTownship = await users.county!.get<WholeReport>(
      '/api/reports/stage-timings?from=2026-11&to=2026-12&groupBy=township',
    );
    const byMonth = await users.admin!.get<WholeReport>(
      '/api/reports/stage-timings?from=2026-11&to=2026-12&groupBy=month',
    );

    expectWhole(
      byTownship.body.wholeCase.countyDecision,
      expectedWhole(countyDecided(), (s) => s.township),
    );
    expectWhole(
      byMonth.body.wholeCase.countyDecision,
      expectedWhole(countyDecided(), (s) => localMonth(s.endMs)),
    );
    expectWhole(
      byMonth.body.wholeCase.enrolled,
      expectedWhole(enrolledSpans, (s) => localMonth(s.endMs)),
    );
  });

  it('selects by the month reached, and keeps a township reviewer to their township', async () => {
    const november = await users.auditor!.get<WholeReport>(
      '/api/reports/stage-timings?from=2026-11&to=2026-11',
    );
    const own = await users.township2!.get<WholeReport>('/api/reports/stage-timings?from=2026-11&to=2026-12');

    expectWhole(
      november.body.wholeCase.countyDecision,
      expectedWhole(
        countyDecided().filter((s) => localMonth(s.endMs) === '2026-11'),
        () => 'all',
      ),
    );
    expectWhole(
      own.body.wholeCase.countyDecision,
      expectedWhole(
        countyDecided().filter((s) => s.township === '611002101'),
        () => 'all',
      ),
    );
  });
});

interface CaseRow {
  caseId: string;
  villageCode: string;
  stage: string;
  status: string;
  updatedAt: string;
}
interface StuckRow {
  caseId: string;
  reason: string;
  stage: string;
  township: string;
  updatedAt: string;
  idleDays: number;
  error?: { code: string; message: string; at: string; cause?: string };
}

/** Every case of the county as the case list (its own index, not the report's) shows it. */
async function allCases(): Promise<CaseRow[]> {
  const out: CaseRow[] = [];
  let cursor: string | undefined;
  do {
    const res = await users.auditor!.get<{ items: CaseRow[]; cursor?: string }>(
      `/api/cases?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    out.push(...res.body.items);
    cursor = res.body.cursor;
  } while (cursor);
  return out;
}

/** Every row of a paged report, following the cursor. */
async function allPages<T>(who: string, path: string): Promise<{ rows: T[]; pages: number }> {
  const rows: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await users[who]!.get<{ items: T[]; cursor?: string }>(
      `${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    rows.push(...res.body.items);
    cursor = res.body.cursor;
    pages++;
  } while (cursor);
  return { rows, pages };
}

describe('GET /api/reports/stuck', () => {
  let errored: string;

  beforeAll(async () => {
    // a case in publicity forced into error through the store, as a failed step would
    errored = countyDecided()[2]!.caseId;
    await markCaseError(sharedDeps(), errored, {
      code: 'step_failed',
      cause: 'close-publicity failed: test',
    });
  });

  /** Cases in error, then open or returned cases idle for `days`, oldest first: computed from the case list. */
  async function expectedStuck(days: number, township?: string, stage?: string) {
    const bound = now - days * DAY;
    const inScope = (await allCases()).filter(
      (c) => (!township || c.villageCode.startsWith(township)) && (!stage || c.stage === stage),
    );
    const order = (a: CaseRow, b: CaseRow) =>
      `${a.updatedAt}#${a.caseId}` < `${b.updatedAt}#${b.caseId}` ? -1 : 1;
    const errors = inScope.filter((c) => c.status === 'error').sort(order);
    const idle = inScope
      .filter((c) => (c.status === 'open' || c.status === 'returned') && Date.parse(c.updatedAt) < bound)
      .sort(order);
    return [
      ...errors.map((c) => ({ caseId: c.caseId, reason: 'error' })),
      ...idle.map((c) => ({
        caseId: c.caseId,
        reason: 'no_progress',
        idleDays: Math.floor((now - Date.parse(c.updatedAt)) / DAY),
      })),
    ];
  }
  const brief = (r: StuckRow) => ({
    caseId: r.caseId,
    reason: r.reason,
    ...(r.reason === 'no_progress' ? { idleDays: r.idleDays } : {}),
  });

  it('lists the case in error first, then cases idle for 10 days, longest idle first, across pages of 2', async () => {
    const { rows: listed, pages } = await allPages<StuckRow>('auditor', '/api/reports/stuck?limit=2');
    const wanted = await expectedStuck(10);

    expect(wanted.filter((w) => w.reason === 'no_progress').length).toBeGreaterThan(1);
    expect(pages).toBeGreaterThan(1);
    expect(listed.map(brief)).toEqual(wanted);
    expect(listed[0]).toMatchObject({ caseId: errored, reason: 'error', status: 'error' });
    expect(listed[0]!.error).toMatchObject({ code: 'step_failed', cause: 'close-publicity failed: test' });
  });

  it('shows an error’s cause to admins and auditors only: a county reviewer reads its code and message', async () => {
    const { rows } = await allPages<StuckRow>('county', '/api/reports/stuck');

    const row = rows.find((r) => r.caseId === errored)!;
    expect(row.error).toEqual({ code: 'step_failed', message: expect.any(String), at: expect.any(String) });
  });

  it('takes days, and filters by township and stage', async () => {
    const recent = await allPages<StuckRow>('county', '/api/reports/stuck?days=2');
    const long = await allPages<StuckRow>('auditor', '/api/reports/stuck?days=25');
    const town2 = await allPages<StuckRow>('auditor', '/api/reports/stuck?township=611002101');
    const review = await allPages<StuckRow>('admin', '/api/reports/stuck?days=1&stage=village_review');

    expect(recent.rows.map(brief)).toEqual(await expectedStuck(2));
    expect(long.rows.map(brief)).toEqual(await expectedStuck(25));
    expect(town2.rows.map(brief)).toEqual(await expectedStuck(10, '611002101'));
    expect(review.rows.map(brief)).toEqual(await expectedStuck(1, undefined, 'village_review'));
    expect(review.rows.length).toBeGreaterThan(0);
  });

  it('keeps a township reviewer to their township; 404 for another, 403 for roles without reports', async () => {
    const own = await allPages<StuckRow>('township', '/api/reports/stuck');
    const other = await users.township!.get('/api/reports/stuck?township=611002101');
    const otherCounty = await users.auditor!.get('/api/reports/stuck?county=611003');
    const applicant = await users.applicant!.get('/api/reports/stuck');
    const village = await users.village!.get('/api/reports/stuck');
    const badDays = await users.auditor!.get('/api/reports/stuck?days=0&stage=nowhere');

    expect(own.rows.map(brief)).toEqual(await expectedStuck(10, '611002100'));
    expect([other.status, otherCounty.status, applicant.status, village.status]).toEqual([
      404, 404, 403, 403,
    ]);
    expect(badDays.status).toBe(400);
    expect(badDays.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'query.days',
      'query.stage',
    ]);
  });
});

interface OverdueRow {
  taskId: string;
  caseId: string;
  stage: string;
  villageCode: string;
  dueAt: string;
  overdue: boolean;
  daysOver: number;
}

describe('GET /api/reports/overdue', () => {
  const wanted = () => [
    {
      taskId: openOverdue.taskId,
      caseId: openOverdue.caseId,
      stage: 'village_review',
      villageCode: TOWN2.village,
      dueAt: toIso(openOverdue.dueMs),
      overdue: true,
      daysOver: Math.ceil((now - openOverdue.dueMs) / DAY),
    },
  ];
  const brief = ({ taskId, caseId, stage, villageCode, dueAt, overdue, daysOver }: OverdueRow) => ({
    taskId,
    caseId,
    stage,
    villageCode,
    dueAt,
    overdue,
    daysOver,
  });

  it("lists open tasks past due in the caller's jurisdiction, for auditors, reviewers and admins", async () => {
    for (const who of ['auditor', 'admin', 'county', 'township2', 'village2']) {
      const { rows } = await allPages<OverdueRow>(who, '/api/reports/overdue');
      expect(rows.map(brief), who).toEqual(wanted());
    }
    for (const who of ['township', 'village']) {
      const { rows } = await allPages<OverdueRow>(who, '/api/reports/overdue');
      expect(rows, who).toEqual([]);
    }
  });

  it('filters by township and stage', async () => {
    const town2 = await allPages<OverdueRow>('auditor', '/api/reports/overdue?township=611002101');
    const town1 = await allPages<OverdueRow>('auditor', '/api/reports/overdue?township=611002100');
    const county = await allPages<OverdueRow>('county', '/api/reports/overdue?stage=county_approval');

    expect(town2.rows.map(brief)).toEqual(wanted());
    expect([town1.rows, county.rows]).toEqual([[], []]);
  });

  it('404 for another township or county, 403 for applicants', async () => {
    const township = await users.township!.get('/api/reports/overdue?township=611002101');
    const village = await users.village!.get('/api/reports/overdue?township=611002101');
    const county = await users.auditor!.get('/api/reports/overdue?county=611003');
    const applicant = await users.applicant!.get('/api/reports/overdue');

    expect([township.status, village.status, county.status, applicant.status]).toEqual([404, 404, 404, 403]);
  });
});

/** A GET with a user's token, read as bytes: for CSV exports. */
async function rawGet(who: string, path: string) {
  const login = await client(rt.url).post<{ token: string }>('/api/auth/login', {
    username: who,
    password: 'demo',
  });
  const res = await fetch(`${rt.url}${path}`, { headers: { authorization: `Bearer ${login.body.token}` } });
  const bytes = Buffer.from(await res.arrayBuffer());
  const contentType = res.headers.get('content-type');
  const body = contentType?.includes('json') ? JSON.parse(bytes.toString('utf8')) : bytes.toString('utf8');
  expectConforming({ method: 'GET', path, status: res.status, contentType, body });
  return { status: res.status, headers: res.headers, bytes };
}
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const lines = (bytes: Buffer) => bytes.subarray(3).toString('utf8').split('\r\n').slice(0, -1);

/** The case the demo applicant files (for the CSV export of its trail). */
let applicantCaseId: string;

describe('CSV exports', () => {
  let caseId: string;
  let idNumber: string;
  const PHONE = '13800138000';

  beforeAll(async () => {
    // a reviewer's comment that repeats the household head's ID number and phone
    const h = validHousehold(household++, TOWN1.village);
    idNumber = h.head.idNumber;
    ({ caseId } = await file(users.applicant!, h));
    applicantCaseId = caseId;
    const task = await openTask(users.village!, caseId, 'village_review');
    await decide(users.village!, task.taskId, {
      ...approval('village_review'),
      comment: `户主身份证${idNumber}，电话${PHONE}，情况属实`,
    });
    await openTask(users.township!, caseId, 'township_verification');
  });

  it('exports stage timings with a BOM, Chinese headers and one line per group and measure', async () => {
    const res = await rawGet('auditor', '/api/reports/stage-timings?from=2026-11&to=2026-12&format=csv');

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="stage-timings-611002-.+\.csv"$/,
    );
    expect(res.bytes.subarray(0, 3)).toEqual(UTF8_BOM);
    const [header, ...body] = lines(res.bytes);
    expect(header).toBe(
      '环节,指标,记录数,超时数,P50（小时）,P90（小时）,P95（小时）,最长（小时）,平均（小时）',
    );
    // township verifications: all from the schedule (this block's own case decided only its village review)
    const township = expected(
      rows.filter((r) => r.stage === 'township_verification'),
      (r) => r.stage,
    )[0]!;
    const { p50, p90, p95, max, mean } = township.duration;
    const figures = [
      township.count,
      township.breaches,
      p50,
      p90,
      p95,
      max,
      Math.round(mean * 10_000) / 10_000,
    ];
    expect(body).toContain(`乡镇入户核实,环节用时（开启→决定）,${figures.join(',')}`);
    expect(body.filter((l) => l.startsWith('全部,全流程（申请→县级审定）'))).toHaveLength(1);
  });

  it('exports every SLA breach, not one page', async () => {
    const json = await allPages<Breach>('auditor', '/api/reports/sla-breaches?limit=3');
    const res = await rawGet('auditor', '/api/reports/sla-breaches?format=csv&limit=3');

    expect(res.status).toBe(200);
    expect(res.bytes.subarray(0, 3)).toEqual(UTF8_BOM);
    const [header, ...body] = lines(res.bytes);
    expect(header).toBe('任务编号,案件编号,环节,乡镇,村,截止时间,状态,办结时间,超期天数');
    expect(body.map((l) => l.split(',')[0]).sort()).toEqual(json.rows.map((r) => r.taskId).sort());
  });

  it('exports an audit trail with ID numbers masked and no phone number anywhere', async () => {
    const trail = await users.auditor!.get<{ records: unknown[] }>(`/api/cases/${caseId}/audit`);
    const res = await rawGet('auditor', `/api/cases/${caseId}/audit?format=csv`);
    const text = res.bytes.toString('utf8');

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('x-audit-chain-valid')).toBe('true');
    expect(res.bytes.subarray(0, 3)).toEqual(UTF8_BOM);
    const [header, ...body] = lines(res.bytes);
    expect(header).toBe('序号,时间,操作人,角色,操作,环节,决定,意见,详情,前一记录哈希,本记录哈希');
    expect(body).toHaveLength(trail.body.records.length);
    expect(text).toContain(`${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`);
    expect(text).not.toContain(idNumber);
    expect(text).not.toContain(PHONE);
    // a mobile number anywhere, but not a run of digits inside a hex hash or id
    expect(text).not.toMatch(/(?<![\da-f])1[3-9]\d{9}(?![\da-f])/);
  });

  it('answers 404 for a case out of scope, and 400 for an unknown format', async () => {
    const other = await rawGet('township2', `/api/cases/${caseId}/audit?format=csv`);
    const bad = await users.auditor!.get(`/api/cases/${caseId}/audit?format=xlsx`);

    expect(other.status).toBe(404);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'query.format' })]);
  });
});

interface AccessEntry {
  at: string;
  actor: { sub: string; username: string; role: string };
  route: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  status: number;
}

describe('the access log', () => {
  const MINUTE = 60_000;
  let start: number;
  let caseId: string;

  beforeAll(async () => {
    ({ caseId } = filed.find((f) => f.township === '611002100')!);
    holdClockAt(now + MINUTE);
    start = now;
    // Recorded, oldest first: an auditor's report read and trail export, a county reviewer's case read.
    expect((await users.auditor!.get('/api/reports/stuck?township=611002100&days=3')).status).toBe(200);
    holdClockAt(now + MINUTE);
    expect((await rawGet('auditor', `/api/cases/${caseId}/audit?format=csv`)).status).toBe(200);
    holdClockAt(now + MINUTE);
    expect((await users.county!.get(`/api/cases/${caseId}`)).status).toBe(200);
    holdClockAt(now + MINUTE);
    // Not recorded: a refused read, a reviewer's report read, an applicant's own case.
    expect((await users.auditor!.get('/api/reports/stuck?county=611003')).status).toBe(404);
    expect((await users.county!.get('/api/reports/overdue')).status).toBe(200);
    expect((await users.applicant!.get('/api/cases')).status).toBe(200);
    expect((await users.applicant!.get(`/api/cases/${applicantCaseId}`)).status).toBe(200);
  });

  const log = (query: string) =>
    allPages<AccessEntry>('admin', `/api/audit/access-log?from=${encodeURIComponent(toIso(start))}${query}`);

  it("records an auditor's reads and a reviewer's read of personal data, newest first, for the admin", async () => {
    const { rows } = await log('');

    expect(
      rows.map(({ at, actor, route, params, query, status }) => ({
        at,
        who: actor.username,
        route,
        params,
        query,
        status,
      })),
    ).toEqual([
      {
        at: toIso(start + 2 * MINUTE),
        who: 'county',
        route: 'GET /api/cases/{caseId}',
        params: { caseId },
        query: undefined,
        status: 200,
      },
      {
        at: toIso(start + MINUTE),
        who: 'auditor',
        route: 'GET /api/cases/{caseId}/audit',
        params: { caseId },
        query: { format: 'csv' },
        status: 200,
      },
      {
        at: toIso(start),
        who: 'auditor',
        route: 'GET /api/reports/stuck',
        params: undefined,
        query: { township: '611002100', days: '3' },
        status: 200,
      },
    ]);
    expect(rows[0]!.actor).toMatchObject({ sub: 'demo-county', role: 'county_reviewer' });
  });

  it('filters by actor and time, and pages', async () => {
    const auditor = await log('&actor=auditor');
    const bySub = await log('&actor=demo-auditor');
    const before = await allPages<AccessEntry>(
      'admin',
      `/api/audit/access-log?from=${encodeURIComponent(toIso(start))}&to=${encodeURIComponent(toIso(start + MINUTE))}`,
    );
    const paged = await log('&limit=1');
    const applicant = await allPages<AccessEntry>('admin', '/api/audit/access-log?actor=applicant');

    expect(auditor.rows.map((r) => r.route)).toEqual([
      'GET /api/cases/{caseId}/audit',
      'GET /api/reports/stuck',
    ]);
    expect(bySub.rows).toEqual(auditor.rows);
    expect(before.rows.map((r) => r.at)).toEqual([toIso(start + MINUTE), toIso(start)]);
    expect(paged.pages).toBeGreaterThanOrEqual(3);
    expect(paged.rows).toEqual((await log('')).rows);
    expect(applicant.rows).toEqual([]);
  });

  it('keeps every earlier auditor read too: the reports this file read', async () => {
    const { rows } = await allPages<AccessEntry>('admin', '/api/audit/access-log?actor=auditor&limit=100');

    expect(rows.some((r) => r.route === 'GET /api/reports/stage-timings')).toBe(true);
    expect(rows.some((r) => r.route === 'GET /api/reports/sla-breaches' && r.query?.format === 'csv')).toBe(
      true,
    );
    expect(rows.every((r) => r.status === 200 && r.actor.role === 'auditor')).toBe(true);
  });

  it('lists for admins only: auditors and reviewers get 403, another county 404, a bad bound 400', async () => {
    const auditor = await users.auditor!.get('/api/audit/access-log');
    const county = await users.county!.get('/api/audit/access-log');
    const otherCounty = await users.admin!.get('/api/audit/access-log?county=611003');
    const bad = await users.admin!.get('/api/audit/access-log?from=yesterday&to=2026-13-01');
    const reversed = await users.admin!.get('/api/audit/access-log?from=2026-12-02&to=2026-12-01');

    expect([auditor.status, county.status, otherCounty.status]).toEqual([403, 403, 404]);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string; rule: string }) => [d.path, d.rule])).toEqual([
      ['query.from', 'date_or_time'],
      ['query.to', 'date_or_time'],
    ]);
    expect(reversed.body.error.details).toEqual([
      expect.objectContaining({ path: 'query.to', rule: 'from_to' }),
    ]);
  });
});
