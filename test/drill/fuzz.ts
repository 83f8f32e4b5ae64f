/**
 * Fuzz at the HTTP edge: for every route of the synthesized API (and the local login), with every demo role, no
 * token and a forged one, fast-check generates path parameters, query strings and bodies (random JSON, mutated
 * valid bodies, huge arrays, bad JSON) and checks each answer: never ≥ 500; an error is at most 64 KB and shaped
 * as the contract says (`errorSchema`, at most 51 details); and an error wrote nothing (the runtime tells us of
 * every DynamoDB write; the access log of a read is not a write of the request's subject). Requests go one at a
 * time, so each write belongs to the request in flight.
 */
import fc from 'fast-check';
import { ACCESS_LOG_PREFIX } from '../../functions/store/keys.ts';
import { DEMO_USERS } from '../../local/auth.ts';
import type { ObservedWrite } from '../../local/ddb-proxy.ts';
import type { Runtime } from '../../local/runtime.ts';
import { errorSchema } from '../../schemas/records.ts';
import { approval } from '../support/decisions.ts';
import { validHousehold } from '../support/fixtures.ts';
import { waitForQuiet } from './invariants.ts';

export const MAX_ERROR_BYTES = 64 * 1024;

export interface FuzzFinding {
  route: string;
  rule: '5xx' | 'error_too_large' | 'error_shape' | 'partial_write';
  status: number;
  request: string;
  detail: string;
}

export interface FuzzReport {
  routes: number;
  requests: number;
  byStatus: Record<string, number>;
  findings: FuzzFinding[];
}

/** Collects the writes of the request in flight: hand its `onWrite` to startRuntime. */
export function writeRecorder() {
  let writes: ObservedWrite[] = [];
  return {
    onWrite: (w: ObservedWrite) => writes.push(w),
    take(): ObservedWrite[] {
      const taken = writes;
      writes = [];
      return taken;
    },
  };
}

/** True when a write touches only the access log (a staff read is logged even when it then fails). */
function accessLogOnly(w: ObservedWrite): boolean {
  const text = JSON.stringify(w.body);
  const keys = [...text.matchAll(/"pk":\{"S":"([^"]*)"\}/g)].map((m) => m[1]!);
  return keys.length > 0 && keys.every((k) => k.startsWith(ACCESS_LOG_PREFIX));
}

const QUERY_NAMES = [
  'status',
  'stage',
  'cursor',
  'limit',
  'county',
  'township',
  'from',
  'to',
  'groupBy',
  'format',
  'days',
  'procedure',
  'overdue',
  'mine',
  'view',
];
const BODY_KEYS = [
  'procedure',
  'household',
  'decision',
  'comment',
  'reason',
  'missing',
  'details',
  'to',
  'note',
  'objector',
  'content',
  'assignee',
  'username',
  'password',
  'enrolledCaseId',
  'evidence',
  'type',
  'description',
  'plannedAt',
  'status',
  'expectedVersion',
  'name',
  'unit',
  'phone',
  'responsibleCadre',
  'dates',
  'limits',
  'order',
  '__proto__',
  'constructor',
];

const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1',
    '1e309',
    'null',
    'true',
    '2026-13',
    '9999-12',
    '1999-12',
    '2026-11',
    '611002',
  ),
  fc.constant('x'.repeat(3000)),
);

/** Values for any field: JSON of every kind, long arrays, strings near and past limits. */
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: text },
  { weight: 1, arbitrary: fc.array(fc.integer(), { minLength: 100, maxLength: 3000 }) },
  { weight: 1, arbitrary: fc.array(text, { maxLength: 80 }) },
);

function validBodies(): unknown[] {
  const household = validHousehold(900);
  return [
    { procedure: 'identification', household },
    approval('village_review'),
    approval('township_verification'),
    { decision: 'return', comment: '补充', missing: ['户口簿'] },
    { decision: 'reject', comment: '不符合', reason: '收入高' },
    { note: '已补充' },
    { reason: '撤回' },
    { objector: { name: '王五', phone: '13800138000' }, content: '有异议' },
    { assignee: 'x' },
    { username: 'village', password: 'demo' },
    { procedure: 'risk_elimination', enrolledCaseId: 'case_x', evidence: {} },
  ];
}

/** A valid body with one field (anywhere in it) replaced, dropped or added. */
function mutated(bodies: unknown[]): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      fc.constantFrom(...bodies),
      fc.nat(),
      fc.constantFrom('replace', 'drop', 'add'),
      value,
      fc.constantFrom(...BODY_KEYS),
    )
    .map(([body, pick, how, v, key]) => {
      const copy = structuredClone(body) as Record<string, unknown>;
      const holders: Record<string, unknown>[] = [];
      const walk = (o: unknown) => {
        if (o && typeof o === 'object') {
          holders.push(o as Record<string, unknown>);
          for (const child of Object.values(o)) walk(child);
        }
      };
      walk(copy);
      const holder = holders[pick % holders.length]!;
      const names = Object.keys(holder);
      const name = names.length ? names[pick % names.length]! : key;
      if (how === 'replace') holder[name] = v;
      else if (how === 'drop') delete holder[name];
      else holder[key] = v;
      return copy;
    });
}

interface FuzzInput {
  who: string;
  params: string[];
  query: [string, string][];
  body:
    | { kind: 'json'; value: unknown }
    | { kind: 'raw'; text: string; contentType: string }
    | { kind: 'none' };
}

function inputs(paramCount: number, ids: string[]): fc.Arbitrary<FuzzInput> {
  const param = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...ids) },
    { weight: 2, arbitrary: text.filter((s) => s.length > 0) },
    { weight: 1, arbitrary: fc.stringMatching(/^(case|task|measure)_[0-9a-f]{20}$/) },
  );
  const body = fc.oneof(
    { weight: 3, arbitrary: mutated(validBodies()).map((v) => ({ kind: 'json' as const, value: v })) },
    {
      weight: 2,
      arbitrary: fc
        .dictionary(fc.constantFrom(...BODY_KEYS), value, { maxKeys: 6 })
        .map((v) => ({ kind: 'json' as const, value: v })),
    },
    { weight: 1, arbitrary: value.map((v) => ({ kind: 'json' as const, value: v })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.string({ maxLength: 200 }),
          fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', ''),
        )
        .map(([t, contentType]) => ({ kind: 'raw' as const, text: t, contentType })),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  );
  return fc.record({
    who: fc.constantFrom(...DEMO_USERS.map((u) => u.username), 'anonymous', 'forged'),
    params: fc.array(param, { minLength: paramCount, maxLength: paramCount }),
    query: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_NAMES), fc.string({ maxLength: 8 })), text), {
      maxLength: 5,
    }),
    body,
  });
}

/**
 * Runs `runsPerRoute` generated requests against every route of `runtime` (which must have been started with
 * `recorder.onWrite`), seeded by `seed`. `ids` are real case and task ids to aim at.
 */
export async function fuzzHttpEdge(opts: {
  runtime: Runtime;
  recorder: ReturnType<typeof writeRecorder>;
  runsPerRoute: number;
  seed: number;
  ids: string[];
}): Promise<FuzzReport> {
  const tokens: Record<string, string> = {
    forged:
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIiwianVyaXNkaWN0aW9uIjoiNjExMDAyIn0.c2lnbmF0dXJl',
  };
  for (const u of DEMO_USERS) {
    const res = await fetch(`${opts.runtime.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: u.username, password: 'demo' }),
    });
    tokens[u.username] = ((await res.json()) as { token: string }).token;
  }
  const routes = [
    ...opts.runtime.app.routes.map((r) => ({ method: r.method, path: r.path })),
    { method: 'POST', path: '/api/auth/login' },
  ];
  const report: FuzzReport = { routes: routes.length, requests: 0, byStatus: {}, findings: [] };
  for (const [i, route] of routes.entries()) {
    const names = route.path.match(/\{[^}]+\}/g) ?? [];
    const samples = fc.sample(inputs(names.length, opts.ids), {
      numRuns: opts.runsPerRoute,
      seed: opts.seed + i,
    });
    for (const input of samples) {
      let path = route.path;
      input.params.forEach((p, j) => {
        path = path.replace(names[j]!, encodeURIComponent(p));
      });
      const query = new URLSearchParams(input.query).toString();
      const url = `${opts.runtime.url}${path}${query ? `?${query}` : ''}`;
      const headers: Record<string, string> = {};
      if (tokens[input.who]) headers.authorization = `Bearer ${tokens[input.who]}`;
      let body: string | undefined;
      if (input.body.kind === 'json') {
        body = JSON.stringify(input.body.value) ?? 'null';
        headers['content-type'] = 'application/json';
      } else if (input.body.kind === 'raw') {
        body = input.body.text;
        if (input.body.contentType) headers['content-type'] = input.body.contentType;
      }
      const hasBody = route.method !== 'GET' && route.method !== 'HEAD';
      opts.recorder.take();
      const res = await fetchAnswered(url, {
        method: route.method,
        headers,
        body: hasBody ? body : undefined,
      });
      const answer = await res.text();
      const writes = opts.recorder.take();
      report.requests++;
      report.byStatus[res.status] = (report.byStatus[res.status] ?? 0) + 1;
      const found = (rule: FuzzFinding['rule'], detail: string) =>
        report.findings.push({
          route: `${route.method} ${route.path}`,
          rule,
          status: res.status,
          request: `${input.who} ${route.method} ${url.slice(opts.runtime.url.length, 300)} ${String(body).slice(0, 300)}`,
          detail: detail.slice(0, 500),
        });
      if (res.status >= 500) found('5xx', answer);
      if (res.status < 400) {
        // a write that moved a case sets its workflow going: let its steps write now, not during the next request
        if (route.method !== 'GET') {
          await waitForQuiet(opts.runtime.engine, { settleMs: 100 });
          opts.recorder.take();
        }
        continue;
      }
      if (Buffer.byteLength(answer) > MAX_ERROR_BYTES)
        found('error_too_large', `${Buffer.byteLength(answer)} bytes`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(answer);
      } catch {
        parsed = undefined;
      }
      const shaped = errorSchema.safeParse(parsed);
      if (!shaped.success || shaped.data.error.details.length > 51) found('error_shape', answer);
      const subjectWrites = writes.filter((w) => !accessLogOnly(w));
      if (subjectWrites.length) {
        found('partial_write', subjectWrites.map((w) => w.operation).join(', '));
      }
    }
  }
  return report;
}

/** Sends a request again when the connection was reset before any answer, at most this often. */
const RESET_RETRIES = 2;

/**
 * fetch, sent again when the connection was reset before any answer came: the socket was a kept-alive one the
 * server closed as idle just as this request went out on it (undici keeps a 1 s margin below the server's
 * keep-alive, which event-loop lag on a loaded machine eats). The server never read such a request, so sending it
 * again cannot repeat a write; a reset that persists on fresh connections is thrown.
 */
async function fetchAnswered(url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (e) {
      const code = ((e as Error).cause as { code?: string } | undefined)?.code;
      if (code !== 'ECONNRESET' || attempt === RESET_RETRIES) throw e;
    }
  }
}
