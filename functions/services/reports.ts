import { z } from 'zod';
import { countyCodeSchema, matching, monthSchema } from '../../schemas/common.ts';
import type { User } from '../../schemas/records.ts';
import { reportScope } from '../core/access.ts';
import { invalid } from '../core/errors.ts';
import { HUMAN_STAGES, type HumanStage } from '../core/procedure.ts';
import { localMonth, parseIso, toIso } from '../core/time.ts';
import {
  daysOver,
  monthsBefore,
  monthsBetween,
  summarize,
  type TimingGroup,
  type TimingGroupBy,
} from '../core/timings.ts';
import type { Page, TimingRecord } from '../store/store.ts';
import type { Deps } from './deps.ts';

/** The longest period one timing report covers: every (stage, month) is one Query, so the range is bounded. */
export const MAX_REPORT_MONTHS = 24;
/** Stage×month Queries run at most this many at a time. */
const QUERY_CONCURRENCY = 8;

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
    township: matching(/^\d{9}$/, 'township_code', 'must be 9 digits').optional(),
    stage: z.enum(HUMAN_STAGES as [HumanStage, ...HumanStage[]]).optional(),
    from: monthSchema,
    to: monthSchema,
    groupBy: z.enum(['stage', 'township', 'month']).default('stage'),
  })
  .superRefine(checkMonthRange);
export type StageTimingsQuery = z.output<typeof stageTimingsQuerySchema>;

/** The timing report: one summary per group, hours, nearest-rank percentiles. */
export const stageTimingsSchema = z.object({
  county: z.string(),
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
      count: z.number().int(),
      breaches: z.number().int(),
      duration: statsSchema,
      queue: statsSchema,
      work: statsSchema,
    }),
  ),
});
export type StageTimings = z.infer<typeof stageTimingsSchema>;

/** Runs `work` over `inputs`, at most `limit` at a time, results in input order. */
async function pooled<I, O>(
  inputs: readonly I[],
  limit: number,
  work: (input: I) => Promise<O>,
): Promise<O[]> {
  const out: O[] = new Array(inputs.length);
  let next = 0;
  const lane = async () => {
    while (next < inputs.length) {
      const i = next++;
      out[i] = await work(inputs[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, lane));
  return out;
}

/**
 * Completed-stage records of a county (or one township) for the months `from`..`to`: one Query per
 * stage × month on the timing index, never a Scan.
 */
export async function stageRecords(
  deps: Deps,
  scope: { county: string; township?: string },
  stages: readonly HumanStage[],
  from: string,
  to: string,
): Promise<TimingRecord[]> {
  const partitions = stages.flatMap((stage) => monthsBetween(from, to).map((month) => ({ stage, month })));
  const pages = await pooled(partitions, QUERY_CONCURRENCY, ({ stage, month }) =>
    deps.store.stageRecords(scope.county, stage, month, scope.township),
  );
  return pages.flat();
}

/**
 * Stage timings of a county, or of one township: count, breaches and duration / queue / work statistics per
 * stage, township or decision month. A township reviewer sees only their township (core/access reportScope).
 */
export async function stageTimings(deps: Deps, user: User, query: StageTimingsQuery): Promise<StageTimings> {
  const scope = reportScope(user, query);
  const stages = query.stage ? [query.stage] : HUMAN_STAGES;
  const records = await stageRecords(deps, scope, stages, query.from, query.to);
  const rows = records.filter((r) => r.decidedAt !== undefined) as (TimingRecord & { decidedAt: string })[];
  const groups: TimingGroup[] = summarize(rows, query.groupBy as TimingGroupBy, HUMAN_STAGES);
  return {
    county: scope.county,
    ...(scope.township ? { township: scope.township } : {}),
    ...(query.stage ? { stage: query.stage } : {}),
    from: query.from,
    to: query.to,
    groupBy: query.groupBy,
    unit: 'hours',
    percentiles: 'nearest_rank',
    generatedAt: toIso(deps.clock.now()),
    groups,
  };
}

/** Checks a `from`/`to` month range: `to` not before `from`, at most MAX_REPORT_MONTHS months. */
function checkMonthRange(q: { from?: unknown; to?: unknown }, ctx: z.RefinementCtx) {
  if (typeof q.from !== 'string' || typeof q.to !== 'string') return;
  const months = monthsBetween(q.from, q.to).length;
  if (months === 0) {
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

/** `GET /api/reports/sla-breaches`; decided-late tasks of `from`..`to` (default: the last 12 months). */
export const slaBreachesQuerySchema = z
  .strictObject({
    county: countyCodeSchema.optional(),
    township: matching(/^\d{9}$/, 'township_code', 'must be 9 digits').optional(),
    stage: z.enum(HUMAN_STAGES as [HumanStage, ...HumanStage[]]).optional(),
    from: monthSchema.optional(),
    to: monthSchema.optional(),
    cursor: z.string().min(1).max(2000).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .superRefine(checkMonthRange);
export type SlaBreachesQuery = z.output<typeof slaBreachesQuerySchema>;

export const slaBreachSchema = z.object({
  taskId: z.string(),
  caseId: z.string(),
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

/** Where a breach page continues: the source (0 = open overdue tasks, then stage × month) and its cursor. */
interface BreachCursor {
  s: number;
  c?: string;
}

const encodeBreachCursor = (c: BreachCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeBreachCursor(cursor: string | undefined, sources: number): BreachCursor {
  if (!cursor) return { s: 0 };
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as BreachCursor;
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
  throw invalid('bad cursor', [
    { path: 'query.cursor', rule: 'cursor', message: 'not a cursor this API returned' },
  ]);
}

/**
 * SLA breaches of a county (or township): open tasks already past due (the county's open-task index, sort key
 * below now) first, then tasks decided after their due date (the timing index, one Query per stage × month).
 * Paged across all of those Queries with one opaque cursor; never a Scan.
 */
export async function slaBreaches(deps: Deps, user: User, query: SlaBreachesQuery): Promise<Page<SlaBreach>> {
  const scope = reportScope(user, query);
  const nowMs = deps.clock.now();
  const now = toIso(nowMs);
  const to = query.to ?? localMonth(nowMs);
  const from = query.from ?? monthsBefore(to, 11);
  const months = monthsBetween(from, to);
  if (months.length === 0 || months.length > MAX_REPORT_MONTHS) {
    throw invalid('bad month range', [
      { path: 'query.from', rule: 'month_range', message: `1 to ${MAX_REPORT_MONTHS} months up to to` },
    ]);
  }
  const stages = query.stage ? [query.stage] : HUMAN_STAGES;
  const partitions = stages.flatMap((stage) => months.map((month) => ({ stage, month })));
  const sources = 1 + partitions.length;
  let at = decodeBreachCursor(query.cursor, sources);
  const items: SlaBreach[] = [];
  while (items.length < query.limit) {
    const page = { cursor: at.c, limit: query.limit - items.length };
    if (at.s === 0) {
      const out = await deps.store.overdueOpenTasks(
        scope.county,
        now,
        { stage: query.stage, township: scope.township },
        page,
      );
      for (const t of out.items) items.push(breachRow(t, undefined, nowMs));
      at = out.cursor ? { s: 0, c: out.cursor } : { s: 1 };
    } else {
      const { stage, month } = partitions[at.s - 1]!;
      const out = await deps.store.lateStageRecords(scope.county, stage, month, scope.township, page);
      for (const r of out.items) items.push(breachRow(r, r.decidedAt, nowMs));
      at = out.cursor ? { s: at.s, c: out.cursor } : { s: at.s + 1 };
    }
    if (at.s >= sources) return { items };
  }
  return { items, cursor: encodeBreachCursor(at) };
}

function breachRow(
  t: Pick<TimingRecord, 'taskId' | 'caseId' | 'stage' | 'villageCode' | 'dueAt'>,
  decidedAt: string | undefined,
  nowMs: number,
): SlaBreach {
  return {
    taskId: t.taskId,
    caseId: t.caseId,
    stage: t.stage,
    township: t.villageCode.slice(0, 9),
    villageCode: t.villageCode,
    dueAt: t.dueAt,
    state: decidedAt ? 'decided' : 'open',
    ...(decidedAt ? { decidedAt } : {}),
    daysOver: daysOver(t.dueAt, decidedAt ? parseIso(decidedAt) : nowMs),
  };
}
