/**
 * The invariants every drill (and the tests that run a drill's short form) checks over every case once the
 * system is quiet. One module, so the drill and the tests agree on what "nothing was lost" means.
 */
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { verifyChain } from '../../functions/core/audit-chain.ts';
import { type CaseItem, caseActivityKeys } from '../../functions/store/case.ts';
import { keys } from '../../functions/store/keys.ts';
import { Store } from '../../functions/store/store.ts';
import type { TaskItem } from '../../functions/store/task.ts';
import { localDynamoDbClient } from '../../local/dynamodb.ts';
import type { Engine } from '../../local/engine/engine.ts';
import { CASE_STATUSES } from '../../schemas/domain.ts';
import type { AuditRecord } from '../../schemas/records.ts';

export interface Violation {
  rule:
    | 'one_status'
    | 'audit_chain'
    | 'duplicate_audit'
    | 'task_without_execution'
    | 'execution_without_task'
    | 'stranded'
    | 'person_in_two_cases'
    | 'error_retry_could_save'
    /** kill drill: a process of the killed run outlived it */
    | 'survivor'
    /** kill drill: the restarted clock is behind a time the killed run handed out */
    | 'clock_backwards';
  caseId?: string;
  detail: string;
}

export interface InvariantReport {
  cases: number;
  byStatus: Record<string, number>;
  violations: Violation[];
}

/** Causes a retry would have outlived: throttles, Lambda service errors, lost or late callbacks, injected faults. */
const TRANSIENT =
  /Throttl|ProvisionedThroughputExceeded|TooManyRequests|RequestLimitExceeded|Lambda\.ServiceException|Lambda\.Unknown|ServiceUnavailable|InternalFailure|TransactionConflict|TaskTimedOut|injected fault/;

const IN_FLIGHT = new Set(['open', 'returned']);

type Item = Record<string, unknown>;

async function scanAll(doc: DynamoDBDocumentClient, tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const out = await doc.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** What an audit record says, without where it sits on the chain and when. */
const content = (r: AuditRecord) => {
  const { seq: _s, hash: _h, prevHash: _p, at: _a, ...rest } = r as AuditRecord & Record<string, unknown>;
  return JSON.stringify(rest);
};

/**
 * Reads the whole table (a drill's, so a Scan is fine) and checks, over every case: exactly one status (a known
 * one, and the activity slot that status implies); a valid audit chain ending at the case's anchor; no audit record
 * twice; no open task without its execution waiting on it and no waiting execution without its task (or supplement);
 * no in-flight case without a running execution; no person in two in-flight cases; no case in `error` for a cause a
 * retry would have outlived. `engine` is the runtime's engine after it has gone quiet (see waitForQuiet).
 */
export async function checkInvariants(opts: {
  dynamoDbEndpoint: string;
  tableName: string;
  engine: Pick<Engine, 'activity'>;
}): Promise<InvariantReport> {
  const client = localDynamoDbClient(opts.dynamoDbEndpoint);
  // the same marshalling as functions/commons/clients.ts
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  try {
    const items = await scanAll(doc, opts.tableName);
    const caseSk = keys.case('').sk;
    const taskSk = keys.task('').sk;
    // a case's filing fields (household, execution) live on its filing item beside it
    const filingSk = keys.caseFiling('').sk;
    const filings = new Map(items.filter((i) => i.sk === filingSk).map((i) => [i.pk, i]));
    const cases = items
      .filter((i) => i.sk === caseSk)
      .map((i) => ({ ...filings.get(i.pk), ...i })) as unknown as (CaseItem & Item)[];
    const tasks = items.filter((i) => i.sk === taskSk) as unknown as TaskItem[];
    // the trails as the store reads them (keys stripped), one Query per case
    const store = new Store(doc, opts.tableName);
    const trails = new Map<string, AuditRecord[]>();
    for (const c of cases) trails.set(c.caseId, (await store.getCaseWithTrail(c.caseId)).trail);
    const activity = opts.engine.activity();
    const running = new Set(activity.running);
    const waiting = new Set(activity.waiting);
    const violations: Violation[] = [];
    const flag = (rule: Violation['rule'], caseId: string | undefined, detail: string) =>
      violations.push({ rule, caseId, detail });
    const byStatus: Record<string, number> = {};
    const byExecution = new Map<string, CaseItem>();
    const caseById = new Map(cases.map((c) => [c.caseId, c]));
    const holders = new Map<string, string[]>();

    for (const c of cases) {
      byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
      if (c.executionArn) byExecution.set(c.executionArn, c);
      if (!(CASE_STATUSES as readonly string[]).includes(c.status)) {
        flag('one_status', c.caseId, `unknown status ${String(c.status)}`);
      }
      const slot = caseActivityKeys(c)?.gsi3pk;
      if (slot !== c.gsi3pk)
        flag('one_status', c.caseId, `${c.status} case listed under ${String(c.gsi3pk)}`);

      const trail = trails.get(c.caseId) ?? [];
      const chain = verifyChain(trail, { length: c.auditLength, head: c.auditHead });
      if (!chain.valid) flag('audit_chain', c.caseId, JSON.stringify(chain));
      const seen = new Set<string>();
      for (const r of trail) {
        const text = content(r);
        if (seen.has(text)) flag('duplicate_audit', c.caseId, `${r.action} at seq ${r.seq}`);
        seen.add(text);
      }

      if (IN_FLIGHT.has(c.status)) {
        if (!c.executionArn || !running.has(c.executionArn)) {
          flag('stranded', c.caseId, `${c.status}/${c.stage} with no running execution`);
        }
        if (c.status === 'open' && c.stage !== 'publicity' && !c.openTaskId) {
          flag('stranded', c.caseId, `open at ${c.stage} with no task`);
        }
        for (const id of [c.household.head.idNumber, ...c.household.members.map((m) => m.idNumber)]) {
          const held = holders.get(id) ?? [];
          if (!held.includes(c.caseId)) holders.set(id, [...held, c.caseId]);
        }
      }
      if (c.status === 'error' && TRANSIENT.test(JSON.stringify(c.error ?? {}))) {
        flag('error_retry_could_save', c.caseId, JSON.stringify(c.error).slice(0, 300));
      }
    }

    const openByCase = new Map<string, TaskItem[]>();
    for (const t of tasks) {
      if (t.status === 'done') continue;
      openByCase.set(t.caseId, [...(openByCase.get(t.caseId) ?? []), t]);
      const c = caseById.get(t.caseId);
      const waitedOn = c?.status === 'open' && c.openTaskId === t.taskId && waiting.has(c.executionArn ?? '');
      if (!waitedOn) {
        flag(
          'task_without_execution',
          t.caseId,
          `task ${t.taskId} (${t.stage}, ${t.status}) of a ${c?.status ?? 'missing'} case: no execution waits on it`,
        );
      }
    }
    for (const [caseId, open] of openByCase) {
      if (open.length > 1) flag('task_without_execution', caseId, `${open.length} open tasks`);
    }
    for (const arn of waiting) {
      const c = byExecution.get(arn);
      const hasTask =
        c && c.status === 'open' && (openByCase.get(c.caseId) ?? []).some((t) => t.taskId === c.openTaskId);
      const awaitsSupplement = c?.status === 'returned';
      if (!hasTask && !awaitsSupplement) {
        flag(
          'execution_without_task',
          c?.caseId,
          `${arn} waits on a callback of a ${c?.status ?? 'missing'} case`,
        );
      }
    }
    for (const [id, held] of holders) {
      if (held.length > 1)
        flag('person_in_two_cases', held[0], `${id.slice(0, 6)}…${id.slice(-4)} in ${held.join(', ')}`);
    }
    return { cases: cases.length, byStatus, violations };
  } finally {
    client.destroy();
  }
}

/**
 * Resolves once the engine is quiet: no handler running, no execution between states, for `settleMs` in a row
 * (every running execution waits on a callback or a timer). Fails after `timeoutMs`.
 */
export async function waitForQuiet(
  engine: Pick<Engine, 'activity' | 'stats'>,
  opts: { settleMs?: number; timeoutMs?: number } = {},
): Promise<void> {
  const settleMs = opts.settleMs ?? 1_000;
  const until = Date.now() + (opts.timeoutMs ?? 120_000);
  let quietSince: number | undefined;
  let last = -1;
  for (;;) {
    const { handlersRunning } = engine.activity();
    const { transitions } = engine.stats();
    if (handlersRunning === 0 && transitions === last) {
      quietSince ??= Date.now();
      if (Date.now() - quietSince >= settleMs) return;
    } else quietSince = undefined;
    last = transitions;
    if (Date.now() > until) throw new Error(`the engine did not go quiet in ${opts.timeoutMs ?? 120_000} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
