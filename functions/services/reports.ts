import { z } from 'zod';
import { countyCodeSchema, matching, monthSchema } from '../../schemas/common.ts';
import { caseStatusSchema, type Procedure, procedureSchema, stageSchema } from '../../schemas/domain.ts';
import { measureViewSchema } from '../../schemas/measure.ts';
import type { MonitoringQuery, MonitoringReport } from '../../schemas/monitoring.ts';
import { pageQuerySchema } from '../../schemas/queries.ts';
import { caseErrorViewSchema, taskViewSchema, type User } from '../../schemas/records.ts';
import { overdueScope, reportScope } from '../core/access.ts';
import { type CsvColumn, type CsvExport, toCsv } from '../core/csv.ts';
import { invalid } from '../core/errors.ts';
import { CAUSE_READERS } from '../core/failure.ts';
import { townshipOf } from '../core/jurisdiction.ts';
import { labelOf, STAGE_LABELS } from '../core/labels.ts';
import { monitoringCounts } from '../core/monitoring.ts';
import { HUMAN_STAGES, type HumanStage } from '../core/procedure.ts';
import { DAY_MS, localDate, localMonth, parseIso, startOfLocalDay, toIso } from '../core/time.ts';
import {
  breachCells,
  daysOver,
  MILESTONES_OF,
  monthCount,
  monthsBefore,
  monthsBetween,
  type Stats,
  summarizeSamples,
  type TimingGroupBy,
  type TimingSample,
} from '../core/timings.ts';
import { type AttentionRecord, stageEnteredAt } from '../store/case.ts';
import { badCursor } from '../store/cursor.ts';
import type { MeasureItem } from '../store/measure.ts';
import type { Page } from '../store/table.ts';
import type { TaskItem, TimingRecord } from '../store/task.ts';
import type { Deps } from './deps.ts';
import {
  ALL,
  MAX_REPORT_MONTHS,
  milestonePartitions,
  samplesOfPartitions,
  stagePartitions,
} from './timing-samples.ts';
import { caseErrorView, measureView, taskView } from './views.ts';

/** The most rows one CSV export holds; the rest follow with the cursor it answers in `x-next-cursor`. */
export const MAX_EXPORT_ROWS = 10_000;

/** `format=csv` answers a report as a CSV export instead of JSON. */
const formatSchema = z.enum(['json', 'csv']).default('json');
const townshipSchema = matching(/^\d{9}$/, 'township_code', 'must be 9 digits');
const humanStageSchema = z.enum(HUMAN_STAGES as [HumanStage, ...HumanStage[]]);
/**
 * The procedure a report covers (contract v1.2): identification cases or risk-elimination proposals, each read
 * from its own timing-index partitions or filtered on the procedure its index entries carry. Without it, a report
 * covers identification, as every report did before v1.2.
 */
const reportProcedureSchema = procedureSchema.default('identification');

const statsSchema = z.object({
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  max: z.number(),
  mean: z.number(),
});

/** `GET /api/reports/stage-timings` */
export const stageTimingsQuerySchema = z
  .strictObject({
    county: countyCodeSchema.optional(),
    township: townshipSchema.optional(),
    stage: humanStageSchema.optional(),
    from: monthSchema,
    to: monthSchema,
    groupBy: z.enum(['stage', 'township', 'month']).default('stage'),
    procedure: reportProcedureSchema,
    format: formatSchema,
  })
  .superRefine(checkMonthRange);
export type StageTimingsQuery = z.output<typeof stageTimingsQuerySchema>;

/** One group of a whole-case measure: how long cases took from their application, and how many ran late. */
const wholeCaseGroupSchema = z.object({
  key: z.string(),
  procedure: procedureSchema,
  count: z.number().int(),
  /**
   * reached after the `wholeIdentification` limit of the policy the case started with; always 0 for risk
   * elimination (no whole-procedure limit applies to a proposal)
   */
  breaches: z.number().int(),
  duration: statsSchema,
});
type WholeCaseGroup = z.infer<typeof wholeCaseGroupSchema>;

/** The timing report: one summary per group, hours, nearest-rank percentiles. */
export const stageTimingsSchema = z.object({
  county: z.string(),
  /** the procedure whose cases the report covers */
  procedure: procedureSchema,
  township: z.string().optional(),
  stage: z.string().optional(),
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(['stage', 'township', 'month']),
  unit: z.literal('hours'),
  percentiles: z.literal('nearest_rank'),
  generatedAt: z.string(),
  groups: z.array(
    z.object({
      key: z.string(),
      procedure: procedureSchema,
      count: z.number().int(),
      breaches: z.number().int(),
      duration: statsSchema,
      queue: statsSchema,
      work: statsSchema,
    }),
  ),
  /**
   * Whole-case times of the milestones reached in `from`..`to`, grouped like `groups` (by township or month
   * reached; one group `all` when grouped by stage), whatever `stage` says. Each county decision counts, like
   * its stage record: a case the county decides again (after an upheld objection) counts again, timed from its
   * application.
   */
  wholeCase: z.object({
    /** application (a proposal's filing) → county decision (approve or reject) */
    countyDecision: z.array(wholeCaseGroupSchema),
    /** application → enrolled (identification; empty for risk elimination) */
    enrolled: z.array(wholeCaseGroupSchema),
    /** proposal filed → risk eliminated (risk elimination only) */
    riskEliminated: z.array(wholeCaseGroupSchema).optional(),
  }),
  /**
   * Records and breaches per township × stage, whatever `groupBy` says (the console's SLA heatmap, in one call):
   * townships in order, stages in catalogue order; only cells with records.
   */
  cells: z.array(
    z.object({
      township: z.string(),
      stage: z.string(),
      procedure: procedureSchema,
      count: z.number().int(),
      breaches: z.number().int(),
    }),
  ),
});
export type StageTimings = z.infer<typeof stageTimingsSchema>;

/** Count, breaches and duration statistics of one whole-case measure, grouped like the stage groups. */
function wholeCaseGroups(
  samples: readonly TimingSample[],
  by: TimingGroupBy,
  procedure: Procedure,
): WholeCaseGroup[] {
  return summarizeSamples(samples, by).map(({ key, count, breaches, duration }) => ({
    key,
    procedure,
    count,
    breaches,
    duration,
  }));
}

/**
 * Stage timings of a county's cases of one procedure, or of one township: count, breaches and duration / queue /
 * work statistics per stage, township or decision month, and the whole-case times from application to county
 * decision and to the procedure's success (enrolment; risk eliminated). Each procedure's records lie in their own
 * timing-index partitions. A township reviewer sees only their township (core/access reportScope).
 */
export async function stageTimings(deps: Deps, user: User, query: StageTimingsQuery): Promise<StageTimings> {
  checkWindow(query, deps.clock.now());
  const scope = reportScope(user, query);
  const stages = query.stage ? [query.stage] : HUMAN_STAGES;
  const { county, township } = scope;
  const { procedure } = query;
  const [stageSamples, countyDecision, success] = await Promise.all([
    samplesOfPartitions(
      deps,
      stagePartitions(deps, procedure, county, stages, query.from, query.to),
      township,
    ),
    ...MILESTONES_OF[procedure].map((kind) =>
      samplesOfPartitions(
        deps,
        milestonePartitions(deps, procedure, county, kind, query.from, query.to),
        township,
      ),
    ),
  ]);
  const by = query.groupBy as TimingGroupBy;
  const successGroups = wholeCaseGroups(success!, by, procedure);
  return {
    county: scope.county,
    procedure,
    ...(scope.township ? { township: scope.township } : {}),
    ...(query.stage ? { stage: query.stage } : {}),
    from: query.from,
    to: query.to,
    groupBy: query.groupBy,
    unit: 'hours',
    percentiles: 'nearest_rank',
    generatedAt: toIso(deps.clock.now()),
    groups: summarizeSamples(stageSamples, by, HUMAN_STAGES).map((g) => ({ ...g, procedure })),
    wholeCase: {
      countyDecision: wholeCaseGroups(countyDecision!, by, procedure),
      ...(procedure === 'identification'
        ? { enrolled: successGroups }
        : { enrolled: [], riskEliminated: successGroups }),
    },
    cells: breachCells(stageSamples, HUMAN_STAGES).map((c) => ({ ...c, procedure })),
  };
}

/** One line of the timing export: a measure of a group. */
interface TimingLine {
  key: string;
  measure: string;
  count: number;
  breaches: number;
  stats: Stats;
}

const MEASURE_LABELS = {
  duration: '环节用时（开启→决定）',
  queue: '排队时间（开启→认领）',
  work: '办理时间（认领→决定）',
  countyDecision: '全流程（申请→县级审定）',
  enrolled: '全流程（申请→纳入监测）',
  riskEliminated: '全流程（申请→风险消除）',
} as const;

const statColumns = (): CsvColumn<TimingLine>[] => [
  { header: 'P50（小时）', value: (l) => l.stats.p50 },
  { header: 'P90（小时）', value: (l) => l.stats.p90 },
  { header: 'P95（小时）', value: (l) => l.stats.p95 },
  { header: '最长（小时）', value: (l) => l.stats.max },
  { header: '平均（小时）', value: (l) => l.stats.mean },
];

/** The timing report as a CSV export: one line per group and measure, stage groups first, then whole-case. */
export async function stageTimingsCsv(deps: Deps, user: User, query: StageTimingsQuery): Promise<CsvExport> {
  const report = await stageTimings(deps, user, query);
  const groupLabel = (key: string) =>
    key === ALL ? '全部' : report.groupBy === 'stage' ? labelOf(STAGE_LABELS, key) : key;
  const lines: TimingLine[] = [
    ...report.groups.flatMap((g) =>
      (['duration', 'queue', 'work'] as const).map((m) => ({
        key: g.key,
        measure: MEASURE_LABELS[m],
        count: g.count,
        breaches: g.breaches,
        stats: g[m],
      })),
    ),
    ...(['countyDecision', 'enrolled', 'riskEliminated'] as const).flatMap((m) =>
      (report.wholeCase[m] ?? []).map((g) => ({ ...g, measure: MEASURE_LABELS[m], stats: g.duration })),
    ),
  ];
  const columns: CsvColumn<TimingLine>[] = [
    {
      header: { stage: '环节', township: '乡镇', month: '月份' }[report.groupBy],
      value: (l) => groupLabel(l.key),
    },
    { header: '指标', value: (l) => l.measure },
    { header: '记录数', value: (l) => l.count },
    { header: '超时数', value: (l) => l.breaches },
    ...statColumns(),
  ];
  return {
    filename: `stage-timings-${procedureTag(report.procedure)}${report.township ?? report.county}-${report.from}-${report.to}`,
    body: toCsv(columns, lines),
  };
}

/** A risk-elimination export's file name names the procedure; identification's keep their v1.1 names. */
const procedureTag = (procedure: Procedure) => (procedure === 'identification' ? '' : `${procedure}-`);

/** The earliest month a report covers: no county kept these records before it. */
export const FIRST_REPORT_MONTH = '2000-01';

/**
 * A report's `from` and `to` lie from FIRST_REPORT_MONTH to the end of next year (China Standard Time), else a 400
 * naming each bad field: a far-past window would store empty samples for every settled month it names.
 */
function checkWindow(window: { from?: string; to?: string }, nowMs: number): void {
  const last = `${Number(localMonth(nowMs).slice(0, 4)) + 1}-12`;
  const problems = (['from', 'to'] as const)
    .filter((f) => {
      const month = window[f];
      return month !== undefined && (month < FIRST_REPORT_MONTH || month > last);
    })
    .map((f) => ({
      path: `query.${f}`,
      rule: 'month_window',
      message: `must be ${FIRST_REPORT_MONTH} to ${last}`,
    }));
  if (problems.length) throw invalid('the report window is out of range', problems);
}

function checkMonthRange(q: { from?: unknown; to?: unknown }, ctx: z.RefinementCtx) {
  if (typeof q.from !== 'string' || typeof q.to !== 'string') return;
  const months = monthCount(q.from, q.to);
  if (months <= 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: 'must not precede from',
      params: { rule: 'from_to' },
    });
  } else if (months > MAX_REPORT_MONTHS) {
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: `at most ${MAX_REPORT_MONTHS} months from from`,
      params: { rule: 'month_range' },
    });
  }
}

/** One source of a paged report: a page of rows after the source's own cursor. */
type Source<T> = (page: { cursor?: string; limit: number }) => Promise<Page<T>>;

/** Where a page across several sources continues: the source's index and its own cursor. */
interface SourceCursor {
  s: number;
  c?: string;
}

const encodeSourceCursor = (c: SourceCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeSourceCursor(cursor: string | undefined, sources: number): SourceCursor {
  if (!cursor) return { s: 0 };
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as SourceCursor;
    if (
      Number.isInteger(c.s) &&
      c.s >= 0 &&
      c.s < sources &&
      (c.c === undefined || typeof c.c === 'string')
    ) {
      return c;
    }
  } catch {
    // fall through to the error below
  }
  throw badCursor();
}

/** One page of up to `limit` rows across `sources` in order, each followed to its end, with one opaque cursor. */
async function pageAcross<T>(
  sources: readonly Source<T>[],
  cursor: string | undefined,
  limit: number,
): Promise<Page<T>> {
  let at = decodeSourceCursor(cursor, sources.length);
  const items: T[] = [];
  while (items.length < limit) {
    const out = await sources[at.s]!({ cursor: at.c, limit: limit - items.length });
    items.push(...out.items);
    at = out.cursor ? { s: at.s, c: out.cursor } : { s: at.s + 1 };
    if (at.s >= sources.length) return { items };
  }
  return { items, cursor: encodeSourceCursor(at) };
}

const mapPage = <I, O>(page: Page<I>, row: (item: I) => O): Page<O> => ({
  items: page.items.map(row),
  ...(page.cursor ? { cursor: page.cursor } : {}),
});

/** Pages of a paged report from `cursor` on, up to MAX_EXPORT_ROWS rows, and where the rest continues. */
async function exportRows<T>(
  page: (cursor: string | undefined, limit: number) => Promise<Page<T>>,
  cursor: string | undefined,
): Promise<Page<T>> {
  const items: T[] = [];
  let next = cursor;
  do {
    const out = await page(next, Math.min(100, MAX_EXPORT_ROWS - items.length));
    items.push(...out.items);
    next = out.cursor;
  } while (next && items.length < MAX_EXPORT_ROWS);
  return { items, ...(next ? { cursor: next } : {}) };
}

/** `GET /api/reports/sla-breaches`; decided-late tasks of `from`..`to` (default: the last 12 months). */
export const slaBreachesQuerySchema = z
  .strictObject({
    county: countyCodeSchema.optional(),
    township: townshipSchema.optional(),
    stage: humanStageSchema.optional(),
    from: monthSchema.optional(),
    to: monthSchema.optional(),
    procedure: reportProcedureSchema,
    cursor: z.string().min(1).max(2000).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    format: formatSchema,
  })
  .superRefine(checkMonthRange);
export type SlaBreachesQuery = z.output<typeof slaBreachesQuerySchema>;

export const slaBreachSchema = z.object({
  taskId: z.string(),
  caseId: z.string(),
  procedure: procedureSchema,
  stage: z.string(),
  township: z.string(),
  villageCode: z.string(),
  dueAt: z.string(),
  /** `open`: still undecided past its due date; `decided`: decided late */
  state: z.enum(['open', 'decided']),
  decidedAt: z.string().optional(),
  /** whole days past due (a started day counts), up to the decision or now */
  daysOver: z.number().int(),
});
export type SlaBreach = z.infer<typeof slaBreachSchema>;
export const slaBreachPageSchema = z.object({
  items: z.array(slaBreachSchema),
  cursor: z.string().optional(),
});

/**
 * SLA breaches of a county's (or township's) cases of one procedure: open tasks already past due (the county's
 * open-task index, sort key below now, filtered on the tasks' procedure) first, then tasks decided after their
 * due date (the procedure's timing-index partitions, one Query per stage × month).
 * Paged across all of those Queries with one opaque cursor; never a Scan.
 */
export async function slaBreaches(deps: Deps, user: User, query: SlaBreachesQuery): Promise<Page<SlaBreach>> {
  const scope = reportScope(user, query);
  const nowMs = deps.clock.now();
  const now = toIso(nowMs);
  checkWindow(query, nowMs);
  const to = query.to ?? localMonth(nowMs);
  const from = query.from ?? monthsBefore(to, 11);
  const count = monthCount(from, to);
  if (count <= 0 || count > MAX_REPORT_MONTHS) {
    throw invalid('bad month range', [
      { path: 'query.from', rule: 'month_range', message: `1 to ${MAX_REPORT_MONTHS} months up to to` },
    ]);
  }
  const months = monthsBetween(from, to);
  const stages = query.stage ? [query.stage] : HUMAN_STAGES;
  const late = stages.flatMap((stage) =>
    months.map(
      (month): Source<SlaBreach> =>
        async (page) =>
          mapPage(
            await deps.store.lateStageRecords(
              query.procedure,
              scope.county,
              stage,
              month,
              scope.township,
              page,
            ),
            (r) => breachRow(r, query.procedure, r.decidedAt, nowMs),
          ),
    ),
  );
  const open: Source<SlaBreach> = async (page) =>
    mapPage(
      await deps.store.overdueOpenTasks(
        scope.county,
        now,
        { stage: query.stage, township: scope.township, procedure: query.procedure },
        page,
      ),
      (t) => breachRow(t, t.procedure, undefined, nowMs),
    );
  return pageAcross([open, ...late], query.cursor, query.limit);
}

function breachRow(
  t: Pick<TimingRecord, 'taskId' | 'caseId' | 'stage' | 'villageCode' | 'dueAt'>,
  procedure: Procedure,
  decidedAt: string | undefined,
  nowMs: number,
): SlaBreach {
  return {
    taskId: t.taskId,
    caseId: t.caseId,
    procedure,
    stage: t.stage,
    township: townshipOf(t.villageCode),
    villageCode: t.villageCode,
    dueAt: t.dueAt,
    state: decidedAt ? 'decided' : 'open',
    ...(decidedAt ? { decidedAt } : {}),
    daysOver: daysOver(t.dueAt, decidedAt ? parseIso(decidedAt) : nowMs),
  };
}

const BREACH_COLUMNS: CsvColumn<SlaBreach>[] = [
  { header: '任务编号', value: (b) => b.taskId },
  { header: '案件编号', value: (b) => b.caseId },
  { header: '环节', value: (b) => labelOf(STAGE_LABELS, b.stage) },
  { header: '乡镇', value: (b) => b.township },
  { header: '村', value: (b) => b.villageCode },
  { header: '截止时间', value: (b) => b.dueAt },
  { header: '状态', value: (b) => (b.state === 'open' ? '逾期未办结' : '逾期办结') },
  { header: '办结时间', value: (b) => b.decidedAt },
  { header: '超期天数', value: (b) => b.daysOver },
];

/** SLA breaches as a CSV export: every page from `cursor` on, up to MAX_EXPORT_ROWS rows. */
export async function slaBreachesCsv(deps: Deps, user: User, query: SlaBreachesQuery): Promise<CsvExport> {
  const scope = reportScope(user, query);
  const rows = await exportRows(
    (cursor, limit) => slaBreaches(deps, user, { ...query, cursor, limit }),
    query.cursor,
  );
  return {
    filename: `sla-breaches-${procedureTag(query.procedure)}${scope.township ?? scope.county}`,
    body: toCsv(BREACH_COLUMNS, rows.items),
    ...(rows.cursor ? { cursor: rows.cursor } : {}),
  };
}

/** `GET /api/reports/stuck` */
export const stuckQuerySchema = pageQuerySchema.extend({
  county: countyCodeSchema.optional(),
  township: townshipSchema.optional(),
  stage: stageSchema.optional(),
  procedure: reportProcedureSchema,
  /** in its stage and status for at least this many days (a claim or a comment is not progress) */
  days: z.coerce.number().int().min(1).max(365).default(10),
});
export type StuckQuery = z.output<typeof stuckQuerySchema>;

export const stuckCaseSchema = z.object({
  caseId: z.string(),
  procedure: procedureSchema,
  villageCode: z.string(),
  township: z.string(),
  stage: stageSchema,
  status: caseStatusSchema,
  /** `error`: the workflow failed (see `error`); `no_progress`: open or returned, in its stage for `days` or more */
  reason: z.enum(['error', 'no_progress']),
  /** the case's last change */
  updatedAt: z.string(),
  /** when it entered its current stage and status (v1.2): a claim or a comment is not progress */
  stageEnteredAt: z.string(),
  /** whole days since it entered its current stage and status */
  idleDays: z.number().int(),
  openTaskId: z.string().optional(),
  error: caseErrorViewSchema.optional(),
});
export type StuckCase = z.infer<typeof stuckCaseSchema>;
export const stuckPageSchema = z.object({ items: z.array(stuckCaseSchema), cursor: z.string().optional() });

/**
 * Cases that need someone to look at them: the cases in error first, then open or returned cases that have been
 * in their stage and status for `days` days, longest idle first, of one procedure. Two Queries on the sparse
 * activity entries of the case items (store.apply keeps them), paged across both with one cursor; township,
 * stage and procedure filter inside the Queries.
 */
export async function stuckCases(deps: Deps, user: User, query: StuckQuery): Promise<Page<StuckCase>> {
  const scope = reportScope(user, query);
  const nowMs = deps.clock.now();
  const filter = { stage: query.stage, within: scope.township, procedure: query.procedure };
  const idleBefore = toIso(nowMs - query.days * DAY_MS);
  const source =
    (kind: 'error' | 'idle'): Source<StuckCase> =>
    async (page) =>
      mapPage(
        await deps.store.casesNeedingAttention(
          scope.county,
          kind,
          kind === 'idle' ? { ...filter, idleBefore } : filter,
          page,
        ),
        (c) => stuckRow(c, nowMs, CAUSE_READERS.includes(user.role)),
      );
  return pageAcross([source('error'), source('idle')], query.cursor, query.limit);
}

function stuckRow(c: AttentionRecord, nowMs: number, withCause: boolean): StuckCase {
  const since = stageEnteredAt(c);
  return {
    caseId: c.caseId,
    procedure: c.procedure,
    villageCode: c.villageCode,
    township: townshipOf(c.villageCode),
    stage: c.stage,
    status: c.status,
    reason: c.status === 'error' ? 'error' : 'no_progress',
    updatedAt: c.updatedAt,
    stageEnteredAt: since,
    idleDays: Math.floor((nowMs - parseIso(since)) / DAY_MS),
    ...(c.openTaskId ? { openTaskId: c.openTaskId } : {}),
    ...(c.error ? { error: caseErrorView(c.error, withCause) } : {}),
  };
}

/** `GET /api/reports/overdue` */
export const overdueQuerySchema = pageQuerySchema
  .extend({
    county: countyCodeSchema.optional(),
    township: townshipSchema.optional(),
    stage: humanStageSchema.optional(),
    procedure: reportProcedureSchema,
    /** `tasks` (default): open tasks past due; `measures`: assistance measures still planned past their day */
    kind: z.enum(['tasks', 'measures']).default('tasks'),
  })
  .refine((q) => !(q.kind === 'measures' && q.stage), {
    path: ['stage'],
    message: 'measures have no stage',
    params: { rule: 'tasks_only' },
  })
  .refine((q) => !(q.kind === 'measures' && q.procedure === 'risk_elimination'), {
    path: ['procedure'],
    message: 'measures belong to enrolled (identification) cases',
    params: { rule: 'tasks_only' },
  });
export type OverdueQuery = z.output<typeof overdueQuerySchema>;

export const overdueTaskSchema = taskViewSchema.extend({
  villageCode: z.string(),
  /** whole days past due (a started day counts) */
  daysOver: z.number().int(),
});
export type OverdueTask = z.infer<typeof overdueTaskSchema>;
/** An assistance measure still planned past its planned day (`kind=measures`). */
export const overdueMeasureSchema = measureViewSchema.extend({
  /** the procedure of the enrolled case the measure assists */
  procedure: z.literal('identification'),
  villageCode: z.string(),
  township: z.string(),
  /** whole days since the planned day */
  daysOver: z.number().int(),
});
export type OverdueMeasure = z.infer<typeof overdueMeasureSchema>;
export const overduePageSchema = z.object({
  items: z.array(z.union([overdueTaskSchema, overdueMeasureSchema])),
  cursor: z.string().optional(),
});

/**
 * Open tasks of one procedure past their due date in the caller's jurisdiction, most overdue first: one Query per
 * page on the county's open-task index bounded at now (store.overdueOpenTasks); stage, jurisdiction and procedure
 * filter inside the Query.
 * With `kind=measures`, the measures still planned past their planned day instead (store.overdueMeasures).
 */
export async function overdueTasks(
  deps: Deps,
  user: User,
  query: OverdueQuery,
): Promise<Page<OverdueTask | OverdueMeasure>> {
  const scope = overdueScope(user, query);
  const nowMs = deps.clock.now();
  const now = toIso(nowMs);
  if (query.kind === 'measures') {
    const today = localDate(nowMs);
    const page = await deps.store.overdueMeasures(scope.county, today, scope.within, query);
    return mapPage(page, (m: MeasureItem) => ({
      ...measureView(m, today),
      procedure: 'identification' as const,
      villageCode: m.villageCode,
      township: townshipOf(m.villageCode),
      daysOver: Math.round((startOfLocalDay(today) - startOfLocalDay(m.plannedAt)) / DAY_MS),
    }));
  }
  const page = await deps.store.overdueOpenTasks(
    scope.county,
    now,
    { stage: query.stage, township: scope.within, procedure: query.procedure },
    { cursor: query.cursor, limit: query.limit },
  );
  return mapPage(page, (t: TaskItem) => ({
    ...taskView(t, now),
    villageCode: t.villageCode,
    daysOver: daysOver(t.dueAt, nowMs),
  }));
}

/**
 * A county's monitoring year: households and persons under monitoring, newly identified, risk-eliminated and
 * returned to risk, and the share of monitored households with an implemented measure (core/monitoring.ts).
 * One Query on the county's monitored cases enrolled before the year's end; a township reader counts their
 * township only.
 */
export async function monitoringReport(
  deps: Deps,
  user: User,
  query: MonitoringQuery,
): Promise<MonitoringReport> {
  const scope = reportScope(user, query);
  const nowMs = deps.clock.now();
  const yearEnd = startOfLocalDay(`${Number(query.year) + 1}-01-01`);
  const cases = await deps.store.monitoredCases(scope.county, toIso(Math.min(yearEnd, nowMs + 1)));
  const inScope = scope.township ? cases.filter((c) => c.villageCode.startsWith(scope.township!)) : cases;
  return {
    county: scope.county,
    year: query.year,
    asOf: toIso(Math.min(yearEnd, nowMs)),
    ...monitoringCounts(inScope, query.year, nowMs),
  };
}
