import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countyCalendar } from '../../functions/commons/holidays.ts';
import { deadline } from '../../functions/core/calendar.ts';
import { defaultPolicy } from '../../functions/core/policy.ts';
import { toIso } from '../../functions/core/time.ts';
import type { Runtime } from '../../local/runtime.ts';
import { validHousehold } from '../support/fixtures.ts';
import { type ApiClient, loginAll, startTestRuntime } from '../support/runtime.ts';
import { approval, decide, file, openTask, rejection } from '../support/scenario.ts';

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
];

const rows: Row[] = [];
let household = 900;
let openOverdue: { taskId: string; caseId: string; dueMs: number };

/** Drives one case through its scheduled steps over HTTP, recording what the report must count. */
async function drive(town: typeof TOWN1, gapBefore: number, steps: Omit<Step, 'stage'>[]) {
  holdClockAt(now + gapBefore * H);
  const { caseId } = await file(users[town.filer]!, validHousehold(household++, town.village));
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
    // the next stage's task opens at this instant: wait for it before the clock moves on
    if (!step.reject && i + 1 < steps.length)
      await openTask(users[town.reviewers[i + 1]!]!, caseId, STAGES[i + 1]!);
  }
}

/** The expected report, computed here from the schedule: nearest rank = value at rank ⌈p·n/100⌉. */
function expected(selected: Row[], key: (r: Row) => string) {
  const keys = [...new Set(selected.map(key))];
  const hours = (ms: number) => ms / H;
  const summary = (values: number[]) => {
    const s = [...values].sort((a, b) => a - b);
    const at = (p: number) => hours(s[Math.ceil((p * s.length) / 100) - 1]!);
    return {
      p50: at(50),
      p90: at(90),
      p95: at(95),
      max: hours(s[s.length - 1]!),
      mean: hours(s.reduce((a, b) => a + b, 0) / s.length),
    };
  };
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
  const task = await openTask(users.village2!, caseId, 'village_review');
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
