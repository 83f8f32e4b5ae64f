import { z } from 'zod';
import { countyCodeSchema, isoDateSchema, isoDateTimeSchema, type Role } from '../../schemas/common.ts';
import { pageQuerySchema } from '../../schemas/queries.ts';
import type { AuditRecord, ChainStatus, CountyVerification, User } from '../../schemas/records.ts';
import { pooled } from '../commons/pool.ts';
import { countyScope } from '../core/access.ts';
import { verifyChain } from '../core/audit-chain.ts';
import { type CsvColumn, type CsvExport, toCsv } from '../core/csv.ts';
import { countyOf } from '../core/jurisdiction.ts';
import { ACTION_LABELS, DECISION_LABELS, labelOf, ROLE_LABELS, STAGE_LABELS } from '../core/labels.ts';
import { addDays, parseIso, startOfLocalDay, toIso } from '../core/time.ts';
import { type AccessLogItem, accessLogItemSchema } from '../store/access-log.ts';
import type { CaseItem } from '../store/case.ts';
import { badCursor } from '../store/cursor.ts';
import type { Page } from '../store/table.ts';
import { auditTrail } from './cases.ts';
import type { Deps } from './deps.ts';

/** Cases per page of the county walk, and trails verified at a time. */
const WALK_PAGE = 100;
const VERIFY_CONCURRENCY = 8;
/**
 * Real time one verify call may spend walking before it answers with a cursor. API Gateway ends an integration
 * at 29 s (the local server likewise); the walk checks the budget between pages, so a last page, the access-log
 * write and a cold start still fit. Measured with `performance.now()`, not `deps.clock`: that clock may be
 * simulated (TIME_SCALE), while the gateway's limit is wall time.
 */
const WALK_BUDGET_MS = 20_000;
/** Queries one access-log page may take when an actor filter leaves pages sparse. */
const MAX_LOG_QUERIES = 10;

/** `POST /api/audit/verify`: `limit` caps the cases this call checks; `cursor` continues a walk. */
export const verifyQuerySchema = z.strictObject({
  county: countyCodeSchema.optional(),
  cursor: pageQuerySchema.shape.cursor,
  limit: z.coerce.number().int().min(1).max(5000).optional(),
});
export type VerifyQuery = z.output<typeof verifyQuerySchema>;

/**
 * Verifies the audit chain of the cases of a county against the head each case item records (an auditor's
 * check that nothing was edited, removed, inserted or reordered). Walks the county's cases on its case index,
 * page by page, and reads each trail with one Query; never a Scan. One call checks `limit` cases, or as many
 * as WALK_BUDGET_MS allows, from `cursor` on; a county that fits gets its whole answer at once.
 */
export async function verifyCounty(deps: Deps, user: User, query: VerifyQuery): Promise<CountyVerification> {
  const { county, scope } = countyScope(user, 'auditor', query.county);
  const started = performance.now();
  const limit = query.limit ?? Number.POSITIVE_INFINITY;
  const broken: CountyVerification['broken'] = [];
  let checked = 0;
  let cursor = decodeWalkCursor(query.cursor, scope);
  do {
    const page = await deps.store.casesInJurisdiction(
      scope,
      {},
      { cursor, limit: Math.min(WALK_PAGE, limit - checked) },
    );
    const chains = await pooled(page.items, VERIFY_CONCURRENCY, async (listed) => {
      // A Query reads committed items one by one: it may catch a step's new record before the case's new
      // head. A chain that fails is read once more, so only a break that stays is reported.
      const first = await chainOf(deps, listed);
      return { caseId: listed.caseId, chain: first.valid ? first : await chainOf(deps, listed) };
    });
    for (const { caseId, chain } of chains) {
      checked++;
      if (!chain.valid) broken.push({ caseId, brokenAt: chain.brokenAt!, reason: chain.problem! });
    }
    cursor = page.cursor;
  } while (cursor && checked < limit && performance.now() - started < WALK_BUDGET_MS);
  const next =
    cursor && (await hasCasesAfter(deps, scope, cursor)) ? encodeWalkCursor(scope, cursor) : undefined;
  return {
    county,
    checked,
    valid: checked - broken.length,
    broken,
    complete: next === undefined,
    ...(next ? { cursor: next } : {}),
  };
}

/**
 * Whether a case follows `cursor`. A page that stops at its limit carries a cursor even when nothing follows;
 * one more single-item Query keeps a cursor from promising cases that are not there.
 */
async function hasCasesAfter(deps: Deps, scope: string, cursor: string): Promise<boolean> {
  const next = await deps.store.casesInJurisdiction(scope, {}, { cursor, limit: 1 });
  return next.items.length > 0;
}

/** A walk's cursor: the case index's own, bound to the jurisdiction it walks. */
interface WalkCursor {
  scope: string;
  after: string;
}

const encodeWalkCursor = (scope: string, after: string) =>
  Buffer.from(JSON.stringify({ scope, after } satisfies WalkCursor)).toString('base64url');

/** The case-index cursor to continue from; 400 for a cursor not returned by a walk of this jurisdiction. */
function decodeWalkCursor(cursor: string | undefined, scope: string): string | undefined {
  if (!cursor) return undefined;
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<WalkCursor> | null;
    if (c?.scope === scope && typeof c.after === 'string' && c.after) return c.after;
  } catch {
    // fall through to the error below
  }
  throw badCursor();
}

/** `GET /api/cases/{caseId}/audit`: `format=csv` answers the trail as a CSV export. */
export const auditQuerySchema = z.strictObject({ format: z.enum(['json', 'csv']).default('json') });

/** A case's chain checked against the head its case item records (the listed copy if the item is gone). */
async function chainOf(deps: Deps, listed: CaseItem): Promise<ChainStatus> {
  const { case: c, trail } = await deps.store.getCaseWithTrail(listed.caseId);
  const head = c ?? listed;
  return verifyChain(trail, { length: head.auditLength, head: head.auditHead });
}

const AUDIT_COLUMNS: CsvColumn<AuditRecord>[] = [
  { header: '序号', value: (r) => r.seq },
  { header: '时间', value: (r) => r.at },
  { header: '操作人', value: (r) => r.actor.name },
  { header: '角色', value: (r) => labelOf(ROLE_LABELS, r.actor.role) },
  { header: '操作', value: (r) => labelOf(ACTION_LABELS, r.action) },
  { header: '环节', value: (r) => labelOf(STAGE_LABELS, r.stage) },
  { header: '决定', value: (r) => labelOf(DECISION_LABELS, r.decision) },
  { header: '意见', value: (r) => r.comment },
  { header: '详情', value: (r) => (r.data ? JSON.stringify(r.data) : undefined) },
  { header: '前一记录哈希', value: (r) => r.prevHash },
  { header: '本记录哈希', value: (r) => r.hash },
];

/**
 * A case's audit trail as a CSV export, oldest first, with the chain check in response headers. Like every
 * export, ID numbers come out masked and phone numbers not at all (core/csv).
 */
export async function auditTrailCsv(deps: Deps, user: User, caseId: string): Promise<CsvExport> {
  const { records, chain } = await auditTrail(deps, user, caseId);
  return {
    filename: `audit-${caseId}`,
    body: toCsv(AUDIT_COLUMNS, records),
    headers: {
      'x-audit-chain-valid': String(chain.valid),
      ...(chain.brokenAt !== undefined ? { 'x-audit-chain-broken-at': String(chain.brokenAt) } : {}),
    },
  };
}

/** Reads that return households' personal data (health details are sensitive under PIPL art. 28). */
const PERSONAL_DATA_READS: ReadonlySet<string> = new Set([
  'GET /api/cases',
  'GET /api/cases/{caseId}',
  'GET /api/cases/{caseId}/audit',
]);
/** POST routes that change nothing: reads like any GET. */
const READ_ONLY_POSTS: ReadonlySet<string> = new Set(['POST /api/audit/verify']);

/**
 * Which reads the access log records: every read an auditor makes, and every read of households' personal
 * data by other staff (reviewers, admins). An applicant reading their own case is not recorded.
 */
export function isRecordedRead(role: Role, routeKey: string): boolean {
  if (!routeKey.startsWith('GET ') && !READ_ONLY_POSTS.has(routeKey)) return false;
  if (role === 'auditor') return true;
  return role !== 'applicant' && PERSONAL_DATA_READS.has(routeKey);
}

/** The longest parameter value kept in the log: enough for any code or id the API takes. */
const MAX_PARAM = 200;
/** Parameters that name nothing (paging) stay out of the log, and so does one with no name (`?=x`): DynamoDB
 * refuses an empty attribute name, and the read would fail as unrecorded. */
const UNLOGGED_PARAMS = new Set(['cursor']);

function loggedParams(params: Record<string, string | undefined> | undefined) {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v !== undefined && k !== '' && !UNLOGGED_PARAMS.has(k)) out[k] = v.slice(0, MAX_PARAM);
  }
  return Object.keys(out).length ? out : undefined;
}

/** One successful read, as the API edge saw it. */
export interface Read {
  route: string;
  requestId: string;
  status: number;
  params?: Record<string, string | undefined>;
  query?: Record<string, string | undefined>;
}

/** Records a read in the reader's county access log, keyed by county and time. */
export async function recordRead(deps: Deps, user: User, read: Read): Promise<void> {
  const params = loggedParams(read.params);
  const query = loggedParams(read.query);
  await deps.store.putAccessLog({
    county: countyOf(user.jurisdiction),
    at: toIso(deps.clock.now()),
    requestId: read.requestId,
    actor: {
      sub: user.sub,
      username: user.username,
      name: user.name,
      role: user.role,
      jurisdiction: user.jurisdiction,
    },
    route: read.route,
    ...(params ? { params } : {}),
    ...(query ? { query } : {}),
    status: read.status,
  });
}

const isDay = (v: string) => v.length === 10;

const isInstant = (v: unknown): v is string =>
  typeof v === 'string' && (isDay(v) ? isoDateSchema : isoDateTimeSchema).safeParse(v).success;

/** A day (YYYY-MM-DD, China Standard Time) or an instant (ISO 8601 with offset). */
const instantSchema = z
  .string()
  .max(40)
  .refine(isInstant, {
    message: 'must be YYYY-MM-DD or an ISO 8601 time with offset',
    params: { rule: 'date_or_time' },
  });

/** `GET /api/audit/access-log`; `from`/`to` days are whole days, both ends included. */
export const accessLogQuerySchema = pageQuerySchema
  .extend({
    county: countyCodeSchema.optional(),
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    /** a reader's sub or username */
    actor: z.string().min(1).max(100).optional(),
  })
  .superRefine((q, ctx) => {
    if (isInstant(q.from) && isInstant(q.to) && rangeStart(q.from) >= rangeEnd(q.to)) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: 'must not precede from',
        params: { rule: 'from_to' },
      });
    }
  });
export type AccessLogQuery = z.output<typeof accessLogQuerySchema>;

/** Where a range starting at `from` starts, epoch ms. */
const rangeStart = (from: string) => (isDay(from) ? startOfLocalDay(from) : parseIso(from));
/** Where a range ending at `to` ends (exclusive), epoch ms: the day's end, or just after the instant. */
const rangeEnd = (to: string) => (isDay(to) ? startOfLocalDay(addDays(to, 1)) : parseIso(to) + 1);

/** An access-log entry as the admin reads it: the stored read, without its partition's county. */
export const accessLogEntrySchema = accessLogItemSchema.omit({ county: true });
export type AccessLogEntry = z.infer<typeof accessLogEntrySchema>;
export const accessLogPageSchema = z.object({
  items: z.array(accessLogEntrySchema),
  cursor: z.string().optional(),
});

/**
 * A county's access log for its admin, newest first: one Query on the county's log partition bounded by time
 * (from the start of time up to now by default), filled from further pages when an actor filter thins them.
 */
export async function listAccessLog(
  deps: Deps,
  user: User,
  query: AccessLogQuery,
): Promise<Page<AccessLogEntry>> {
  const { county } = countyScope(user, 'admin', query.county);
  const range = {
    from: toIso(query.from ? rangeStart(query.from) : 0),
    to: toIso(query.to ? rangeEnd(query.to) : deps.clock.now() + 1),
  };
  const items: AccessLogItem[] = [];
  let cursor = query.cursor;
  for (let i = 0; i < MAX_LOG_QUERIES; i++) {
    const out = await deps.store.accessLog(county, range, query.actor, {
      cursor,
      limit: query.limit - items.length,
    });
    items.push(...out.items);
    cursor = out.cursor;
    if (!cursor || items.length >= query.limit) break;
  }
  return {
    items: items.map(({ county: _county, ...entry }) => entry),
    ...(cursor ? { cursor } : {}),
  };
}
