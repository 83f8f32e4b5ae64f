/**
 * Bench-only seeding of one county at realistic volume (issues 4 and 5): N identification cases spread over the
 * 12 months before a simulated now, each stored as the services would have left it — the case item, its sealed
 * audit trail, its stage tasks (decided ones in the timing index, open ones in the inboxes), objections and
 * household guards — and bulk-loaded with BatchWriteItem, 25 items a request, several requests at a time.
 *
 * Each case lives a simulated life: reviewers of each stage take a lognormal time to claim and to decide (slower
 * in some townships and around the Spring Festival), some return, reject, send back or escalate past the due
 * date, applicants supplement or withdraw, a few objections reach objection review. Whatever has not happened
 * by `now` has not happened: those cases are open, their tasks in the inboxes, some overdue. No workflow
 * execution or callback token exists for them, so the seed serves the read paths (inboxes, reports) only.
 */
import { createHash } from 'node:crypto';
import { officialCalendar } from '../functions/commons/holidays.ts';
import { executionArnOf } from '../functions/commons/step-functions.ts';
import { escalationTarget, taskJurisdiction } from '../functions/core/access.ts';
import { GENESIS_HASH } from '../functions/core/audit-chain.ts';
import { deadline } from '../functions/core/calendar.ts';
import { decisionAuditData, validateDecision } from '../functions/core/decisions.ts';
import { dueOfEscalation, escalationAt } from '../functions/core/escalation.ts';
import { defaultPolicy } from '../functions/core/policy.ts';
import {
  catalogueOf,
  FIRST_STAGE,
  type HumanStage,
  type Route,
  routeAfterPublicity,
  routeOf,
  STAGE_SPECS,
  statusOn,
} from '../functions/core/procedure.ts';
import { addDays, DAY_MS, localDate, startOfLocalDay, toIso } from '../functions/core/time.ts';
import { milestonesOf } from '../functions/core/timings.ts';
import { actorOf, SYSTEM } from '../functions/services/cases.ts';
import { type AuditEntry, auditItem } from '../functions/store/audit.ts';
import { type CaseItem, caseItems, idNumbersOf } from '../functions/store/case.ts';
import { caseAfter } from '../functions/store/case-transaction.ts';
import { guardItem } from '../functions/store/guard.ts';
import { type MilestoneItem, milestoneItem } from '../functions/store/milestone.ts';
import { type ObjectionItem, objectionItem } from '../functions/store/objection.ts';
import type { Store } from '../functions/store/store.ts';
import { type TaskItem, taskItem } from '../functions/store/task.ts';
import { DEMO_USERS } from '../local/auth.ts';
import type { Household } from '../schemas/application.ts';
import type { DecisionBody } from '../schemas/decision.ts';
import type { DecisionKind, RiskType, Stage } from '../schemas/domain.ts';
import type { Actor, AuditRecord } from '../schemas/records.ts';
import { checkDigit } from '../schemas/resident-id.ts';

type Item = Record<string, unknown>;

/** The seeded county: 10 townships × 20 villages, the demo users' county. */
export const SEED_COUNTY = '611002';
export const SEED_TOWNSHIPS = Array.from({ length: 10 }, (_, t) => `${SEED_COUNTY}${100 + t}`);
export const SEED_VILLAGES = SEED_TOWNSHIPS.flatMap((t) =>
  Array.from({ length: 20 }, (_, v) => `${t}${201 + v}`),
);
const BATCH = 25;
const HOUR = 3_600_000;
const MINUTE = 60_000;
/** A workflow step follows the one before it after a few seconds. */
const STEP_MS = 2_000;
const CALENDAR = officialCalendar;

// ---- distributions ------------------------------------------------------------------------------------------

export type Rng = () => number;

/** A small seeded PRNG (mulberry32): the same seed gives the same county. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A lognormal draw with the given median; `spread` is σ of its logarithm (Box–Muller). */
export function lognormal(rng: Rng, median: number, spread: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return median * Math.exp(spread * z);
}

/** One of `choices` with probability proportional to its weight. */
export function weighted<K extends string>(rng: Rng, choices: Readonly<Record<K, number>>): K {
  const entries = Object.entries(choices) as [K, number][];
  let x = rng() * entries.reduce((s, [, w]) => s + w, 0);
  for (const [value, w] of entries) {
    x -= w;
    if (x < 0) return value;
  }
  return entries[entries.length - 1]![0];
}

const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;

// ---- how the county works -----------------------------------------------------------------------------------

type SeededStage = 'village_review' | 'township_verification' | 'county_approval' | 'objection_review';
type Outcome = Extract<DecisionKind, 'approve' | 'reject' | 'return' | 'send_back' | 'dismiss'> | 'withdraw';

/** Median hours a task waits to be claimed and then takes to decide, and σ of both (lognormal). */
const PACE: Record<SeededStage, { queue: number; work: number; spread: number }> = {
  village_review: { queue: 18, work: 2, spread: 0.9 },
  township_verification: { queue: 36, work: 5, spread: 0.8 },
  county_approval: { queue: 20, work: 1, spread: 0.9 },
  objection_review: { queue: 30, work: 4, spread: 0.7 },
};
/** How each stage ends; `withdraw` is the applicant withdrawing while the task is open. */
const OUTCOMES: Record<SeededStage, Partial<Record<Outcome, number>>> = {
  village_review: { approve: 89, return: 6, reject: 4, withdraw: 1 },
  township_verification: { approve: 87, return: 5, reject: 5, send_back: 2, withdraw: 1 },
  county_approval: { approve: 95, return: 2, reject: 2, send_back: 0.5, withdraw: 0.5 },
  objection_review: { dismiss: 1 },
};
/** Share of tasks claimed before the decision (the rest are decided straight from the inbox). */
const CLAIMED = 0.85;
/** Share of returned applicants who never supplement (the case is withdrawn when the limit runs out). */
const NEVER_SUPPLEMENT = 0.12;
/** Share of publicity periods that draw an objection. */
const OBJECTED = 0.015;
/** Township pace: some offices are slower (fewer staff, farther villages). */
const TOWNSHIP_PACE = [0.8, 1, 1.3, 0.9, 1.6, 1, 0.7, 1.1, 1.2, 0.9];
/** Month pace (January first): the Spring Festival slows February, National Day October. */
const MONTH_PACE = [1.15, 1.5, 1, 1, 1, 1, 1, 1, 1, 1.2, 1, 1];
/** Filings per month relative to the busiest (January first): winter illness, summer floods. */
const MONTH_FILINGS = [1, 0.7, 0.9, 0.9, 0.9, 1, 1, 1, 0.9, 0.8, 0.9, 1];

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '胡', '郭'];
const GIVEN = '建国 秀英 桂兰 志强 海燕 文华 春梅 国平 丽娟 明 强 伟 芳'.split(' ');
const RELATIONS = ['配偶', '子女', '子女', '父母'];
const RISKS: Record<RiskType, number> = {
  illness: 35,
  disability: 15,
  education: 12,
  unstable_employment: 12,
  disaster: 8,
  accident: 8,
  industry_failure: 5,
  other: 5,
};
const NARRATIVE: Record<RiskType, string> = {
  illness: '家庭成员患重病，医疗支出大，收入骤减。',
  disability: '家中主要劳动力残疾，缺乏稳定收入。',
  education: '子女就学支出大，家庭负担重。',
  unstable_employment: '务工就业不稳定，收入大幅下降。',
  disaster: '遭受自然灾害，房屋和农作物受损。',
  accident: '家庭成员遭遇意外事故，支出骤增。',
  industry_failure: '种养殖产业项目失败，收入锐减。',
  other: '家庭生活出现严重困难。',
};
const REJECT_REASONS = ['家庭人均纯收入高于监测标准', '家庭有商品房和小汽车', '风险已消除，无需纳入'];
const MISSING = ['医疗费用票据', '残疾证复印件', '收入证明', '受灾情况证明'];

// ---- a case's life ------------------------------------------------------------------------------------------

const hex = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 20);

/**
 * A valid resident ID unique per (case, member): k = 5·case + member maps one to one onto (birth date, sequence),
 * the dates scattered over 1940–2005 (7919 is prime to 24 000, so multiplying permutes the day numbers).
 */
function seededResidentId(caseIndex: number, member: number): string {
  const k = caseIndex * 5 + member;
  const birth = addDays('1940-01-01', (k * 7919) % 24_000).replaceAll('-', '');
  const first17 = `${SEED_COUNTY}${birth}${String(Math.floor(k / 24_000) % 1000).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
}

function seededHousehold(i: number, villageCode: string, rng: Rng): Household {
  const surname = pick(rng, SURNAMES);
  const risks = [weighted(rng, RISKS)];
  if (rng() < 0.3) {
    const second = weighted(rng, RISKS);
    if (second !== risks[0]) risks.push(second);
  }
  const size = Number(weighted(rng, { 0: 10, 1: 30, 2: 30, 3: 20, 4: 10 }));
  return {
    head: {
      name: surname + pick(rng, GIVEN),
      idNumber: seededResidentId(i, 0),
      phone: `1${pick(rng, ['3', '5', '8'])}${String(Math.floor(rng() * 1e9)).padStart(9, '0')}`,
    },
    members: Array.from({ length: size }, (_, m) => ({
      name: (RELATIONS[m] === '配偶' ? pick(rng, SURNAMES) : surname) + pick(rng, GIVEN),
      idNumber: seededResidentId(i, m + 1),
      relation: RELATIONS[m]!,
      health: risks.includes('illness') && m === 0 ? '慢性病' : '健康',
      disability: risks.includes('disability') && m === 0 ? '肢体残疾' : '',
      schooling: RELATIONS[m] === '子女' ? '在校' : '',
      ableToWork: rng() < 0.6,
    })),
    villageCode,
    address: `${villageCode.slice(-3)}村${1 + Math.floor(rng() * 8)}组${1 + Math.floor(rng() * 60)}号`,
    annualNetIncomePerCapita: Math.round(3000 + rng() * 6000),
    category: weighted(rng, {
      edge_easily_poor: 50,
      unstable_out_of_poverty: 35,
      sudden_severe_hardship: 15,
    }),
    riskTypes: risks,
    narrative: NARRATIVE[risks[0]!],
    source: weighted(rng, { cadre_screening: 45, self_declared: 40, department_alert: 15 }),
  };
}

type HumanStageRole = 'village_reviewer' | 'township_reviewer' | 'county_reviewer';
const pools = new Map<string, Actor[]>();

/** The reviewers of a role in a jurisdiction: its demo user (if any) and a few more. */
function reviewersOf(role: HumanStageRole, jurisdiction: string): Actor[] {
  const key = `${role}#${jurisdiction}`;
  let pool = pools.get(key);
  if (!pool) {
    const size = role === 'village_reviewer' ? 1 : role === 'township_reviewer' ? 3 : 4;
    pool = [
      ...DEMO_USERS.filter((u) => u.role === role && u.jurisdiction === jurisdiction).map(actorOf),
      ...Array.from({ length: size }, (_, k) => ({
        sub: `seed-${role}-${jurisdiction}-${k}`,
        name: `审核员${jurisdiction.slice(-3)}-${k + 1}`,
        role,
      })),
    ];
    pools.set(key, pool);
  }
  return pool;
}
/** `ms`, or when it falls outside office hours (working days 08:30–17:30 CST), the next opening plus ≤ 90 min. */
function officeTime(ms: number, rng: Rng): number {
  const day = localDate(ms);
  const opens = startOfLocalDay(day) + 8.5 * HOUR;
  if (CALENDAR.isWorkingDay(day) && ms >= opens && ms < opens + 9 * HOUR) return ms;
  let next = CALENDAR.isWorkingDay(day) && ms < opens ? day : addDays(day, 1);
  while (!CALENDAR.isWorkingDay(next)) next = addDays(next, 1);
  return startOfLocalDay(next) + 8.5 * HOUR + rng() * 90 * MINUTE;
}

/** A filing time in the 365 days before `now`: office hours, mostly working days, some months busier. */
function filingTime(rng: Rng, now: number): number {
  for (;;) {
    const day = localDate(now - Math.floor(rng() * 365) * DAY_MS);
    const weight = MONTH_FILINGS[Number(day.slice(5, 7)) - 1]! * (CALENDAR.isWorkingDay(day) ? 1 : 0.1);
    const at = startOfLocalDay(day) + 8.5 * HOUR + rng() * 9 * HOUR;
    if (rng() < weight && at < now) return at;
  }
}

/** Applies steps to a case as the case transaction does (caseAfter): sealed onto the chain, version and head moved. */
class SeededCase {
  readonly audits: AuditRecord[] = [];
  readonly tasks: TaskItem[] = [];
  readonly objections: ObjectionItem[] = [];
  /** whole-case milestones by kind: a later one of a kind replaces the earlier (same key) */
  readonly milestones = new Map<string, MilestoneItem>();

  constructor(
    public c: CaseItem,
    readonly rng: Rng,
    readonly filer: Actor,
    readonly now: number,
  ) {}

  step(
    at: number,
    audit: Omit<AuditEntry, 'at'>,
    set: Partial<CaseItem> = {},
    remove: (keyof CaseItem)[] = [],
  ) {
    const next = caseAfter({ before: this.c, set, remove, audit: { ...audit, at: toIso(at) } });
    this.c = next.after;
    this.audits.push(next.audit);
  }

  /** The milestones a step reaches, as services/milestones.ts milestonesReached records them. */
  reach(step: { stage: Stage; decision?: DecisionKind; route: Route }, at: number) {
    const c = this.c;
    const dueAt = toIso(deadline(Date.parse(c.createdAt), c.policy.limits.wholeIdentification, CALENDAR));
    for (const kind of milestonesOf(step)) {
      this.milestones.set(kind, {
        caseId: c.caseId,
        procedure: c.procedure,
        kind,
        villageCode: c.villageCode,
        startedAt: c.createdAt,
        at: toIso(at),
        dueAt,
        ...(kind === 'county_decision' ? { decision: step.decision } : {}),
      });
    }
  }

  /** How much slower than the stage's pace this township is in this month. */
  pace(openedAt: number): number {
    const township = Number(this.c.villageCode.slice(6, 9)) - 100;
    return (TOWNSHIP_PACE[township] ?? 1) * MONTH_PACE[Number(localDate(openedAt).slice(5, 7)) - 1]!;
  }

  /** The items the case transactions would have left in the table for this case, built by the same builders. */
  *items(): Generator<Item> {
    const c = this.c;
    // a rejected or withdrawn case released its guards; an open or enrolled one holds them
    const guards = c.status !== 'rejected' && c.status !== 'withdrawn' ? idNumbersOf(c.household) : [];
    yield* caseItems({ ...c, guards });
    for (const r of this.audits) yield auditItem(r);
    for (const t of this.tasks) yield taskItem(t);
    for (const o of this.objections) yield objectionItem(o);
    for (const m of this.milestones.values()) yield milestoneItem(m);
    for (const id of guards) yield guardItem(id, c.caseId);
  }
}

/** Where a step led and when; undefined while it is still under way at `now`. */
type Next = { route: Route; at: number } | undefined;

function decisionBody(s: SeededCase, stage: SeededStage, outcome: Outcome, at: number): DecisionBody {
  const { rng } = s;
  const h = s.c.household;
  const attendees = 15 + Math.floor(rng() * 25);
  const against = outcome === 'reject' ? Math.ceil(attendees / 2) : Math.floor(rng() * 3);
  const details =
    stage === 'village_review'
      ? { meetingDate: localDate(at), attendees, votesFor: attendees - against, votesAgainst: against }
      : stage === 'township_verification'
        ? {
            visitDate: localDate(at),
            verifiers: [pick(rng, SURNAMES) + pick(rng, GIVEN), pick(rng, SURNAMES) + pick(rng, GIVEN)],
            verifiedIncomePerCapita: Math.round(h.annualNetIncomePerCapita * (0.9 + rng() * 0.2)),
            confirmedRiskTypes: h.riskTypes,
            findings: outcome === 'reject' ? '入户核实收入高于标准。' : '入户核实情况属实。',
          }
        : undefined;
  switch (outcome) {
    case 'reject':
      return { decision: 'reject', comment: '不予纳入', reason: pick(rng, REJECT_REASONS), details };
    case 'return':
      return { decision: 'return', comment: '材料不全', missing: [pick(rng, MISSING)] };
    case 'send_back':
      return {
        decision: 'send_back',
        comment: '需重新办理',
        to: STAGE_SPECS[stage].sendBackTo[0],
        reason: '核实情况与上一环节意见不符',
      };
    case 'dismiss':
      return { decision: 'dismiss', comment: '经核查异议不成立' };
    default:
      return { decision: 'approve', comment: '同意', details };
  }
}

/** A human stage as openStage, escalate, claim, decide (or withdraw) would have run it. */
function runStage(s: SeededCase, stage: SeededStage, openedAt: number): Next {
  const { c, rng, now } = s;
  const spec = STAGE_SPECS[stage];
  const limit = c.policy.limits[spec.limit];
  const due = deadline(openedAt, limit, CALENDAR);
  const taskId = `task_${hex(`${c.caseId}:${s.tasks.length}`)}`;
  const task: TaskItem = {
    taskId,
    caseId: c.caseId,
    procedure: c.procedure,
    stage,
    role: spec.role,
    jurisdiction: taskJurisdiction(stage, c.villageCode),
    villageCode: c.villageCode,
    status: 'open',
    openedAt: toIso(openedAt),
    dueAt: toIso(due),
    escalateAt: toIso(escalationAt(taskId, due)),
    escalations: 0,
    overdue: false,
  };
  s.step(
    openedAt,
    {
      actor: SYSTEM,
      action: 'task_opened',
      stage,
      data: { taskId: task.taskId, role: task.role, jurisdiction: task.jurisdiction, dueAt: task.dueAt },
    },
    {
      stage,
      status: 'open',
      openTaskId: task.taskId,
      // the task its route planned, as services/stage-entry.ts plans it
      route: {
        target: stage,
        task: { taskId, openedAt: task.openedAt, dueAt: task.dueAt, escalateAt: task.escalateAt },
      },
    },
  );
  s.tasks.push(task);

  const outcome = weighted(rng, OUTCOMES[stage] as Record<Outcome, number>);
  const pace = PACE[stage];
  const slow = s.pace(openedAt);
  const queued = officeTime(openedAt + lognormal(rng, pace.queue * HOUR * slow, pace.spread), rng);
  const endAt =
    outcome === 'withdraw'
      ? officeTime(openedAt + rng() * (queued - openedAt) + MINUTE, rng)
      : officeTime(queued + Math.max(5 * MINUTE, lognormal(rng, pace.work * HOUR, pace.spread)), rng);
  const reviewer = pick(rng, reviewersOf(spec.role as HumanStageRole, task.jurisdiction));
  const events: { at: number; kind: 'claim' | 'escalate' | 'end' }[] = [{ at: endAt, kind: 'end' }];
  if (outcome !== 'withdraw' && rng() < CLAIMED) events.push({ at: queued, kind: 'claim' });
  for (let d = due; escalationAt(taskId, d) < endAt; d = deadline(d, limit, CALENDAR)) {
    events.push({ at: escalationAt(taskId, d), kind: 'escalate' });
  }
  events.sort((a, b) => a.at - b.at);

  for (const { at, kind } of events) {
    if (at > now) return undefined;
    if (kind === 'claim') claimed(s, task, reviewer, at);
    else if (kind === 'escalate') {
      const next = deadline(dueOfEscalation(taskId, at), limit, CALENDAR);
      escalated(s, task, escalationAt(taskId, next), at);
    } else if (outcome === 'withdraw') return withdrawn(s, task, at);
    else return decided(s, task, reviewer, decisionBody(s, stage, outcome, at), at);
  }
  return undefined;
}

/** As services/tasks.ts claim(): queue time ends. */
function claimed(s: SeededCase, task: TaskItem, reviewer: Actor, at: number): void {
  s.step(at, { actor: reviewer, action: 'claimed', stage: task.stage, data: { taskId: task.taskId } });
  Object.assign(task, {
    status: 'claimed',
    assignee: reviewer.sub,
    assigneeName: reviewer.name,
    claimedAt: toIso(at),
  });
}

/** As services/workflow.ts escalate(): flagged overdue, the next level up told, the next escalation set. */
function escalated(s: SeededCase, task: TaskItem, next: number, at: number): void {
  s.step(at, {
    actor: SYSTEM,
    action: 'escalated',
    stage: task.stage,
    data: {
      taskId: task.taskId,
      dueAt: task.dueAt,
      escalation: task.escalations + 1,
      notify: escalationTarget(task),
    },
  });
  Object.assign(task, { overdue: true, escalations: task.escalations + 1, escalateAt: toIso(next) });
}

/** As services/tasks.ts decide(): the task closes into the timing index, the case moves where core routes it. */
function decided(s: SeededCase, task: TaskItem, reviewer: Actor, body: DecisionBody, at: number): Next {
  const { c } = s;
  const details = validateDecision(task.stage, body);
  let route = routeOf(catalogueOf(c.procedure), c.policy.order, task.stage, body.decision, body.to);
  const set: Partial<CaseItem> = { status: statusOn(route) };
  if (route.target === 'await_supplement') {
    const due = deadline(at, c.policy.limits.supplement, CALENDAR);
    route = { ...route, timeoutSeconds: Math.ceil((due - at) / 1000) };
    set.supplementDueAt = toIso(due);
  }
  set.route = route;
  if (route.target === 'end') set.closedAt = toIso(at);
  if (route.target === 'end' && route.status === 'enrolled') set.enrolledAt = toIso(at);
  // an objection review settles every open objection with its decision
  const objections = task.stage === 'objection_review' ? s.objections.filter((o) => o.status === 'open') : [];
  s.step(
    at,
    {
      actor: reviewer,
      action: 'decided',
      stage: task.stage,
      decision: body.decision,
      comment: body.comment,
      data: decisionAuditData(task.taskId, body, details, route, {
        objectionIds: objections.map((o) => o.objectionId),
      }),
    },
    set,
    ['openTaskId'],
  );
  Object.assign(task, {
    status: 'done',
    decision: body.decision,
    decidedAt: toIso(at),
    decidedBy: reviewer.sub,
    route,
    ...(task.claimedAt ? {} : { claimedAt: toIso(at), assignee: reviewer.sub, assigneeName: reviewer.name }),
  });
  for (const o of objections) {
    Object.assign(o, {
      status: 'dismissed',
      resolvedAt: toIso(at),
      resolvedBy: reviewer.sub,
      taskId: task.taskId,
    });
  }
  s.reach({ stage: task.stage, decision: body.decision, route }, at);
  return { route, at };
}

/** As services/cases.ts withdraw(): the applicant withdraws while a task is open; the task closes. */
function withdrawn(s: SeededCase, task: TaskItem, at: number): Next {
  const route: Route = { target: 'end', status: 'withdrawn' };
  s.step(
    at,
    { actor: s.filer, action: 'withdrawn', stage: task.stage, comment: '家庭情况好转，申请撤回' },
    { status: 'withdrawn', closedAt: toIso(at), route },
    ['openTaskId', 'supplementToken'],
  );
  Object.assign(task, { status: 'done', decidedAt: toIso(at), route });
  return { route, at };
}

/** The supplement wait after a return: supplemented (the stage reopens) or withdrawn when the limit runs out. */
function awaitSupplement(s: SeededCase, stage: HumanStage, returnedAt: number): Next {
  const { c, rng, now } = s;
  const dueAt = Date.parse(c.supplementDueAt!);
  const answeredAt = officeTime(returnedAt + lognormal(rng, 3 * DAY_MS, 0.8), rng);
  if (rng() >= NEVER_SUPPLEMENT && answeredAt < dueAt) {
    if (answeredAt > now) return undefined;
    s.step(
      answeredAt,
      { actor: s.filer, action: 'supplemented', stage, comment: '已补充材料', data: { changedFields: [] } },
      { status: 'open', route: { target: stage } },
      ['supplementToken', 'supplementDueAt'],
    );
    return { route: { target: stage }, at: answeredAt };
  }
  const at = dueAt + STEP_MS;
  if (at > now) return undefined;
  const limit = c.policy.limits.supplement;
  const route: Route = { target: 'end', status: 'withdrawn' };
  s.step(
    at,
    {
      actor: SYSTEM,
      action: 'withdrawn',
      stage,
      comment: `no supplement within ${limit.days} ${limit.unit} days`,
      data: { reason: 'no_supplement', supplementDueAt: c.supplementDueAt },
    },
    { status: statusOn(route), closedAt: toIso(at), route },
    ['supplementToken'],
  );
  return { route, at };
}

/** Publicity as startPublicity / fileObjection / closePublicity would have run it. */
function publicity(s: SeededCase, startedAt: number): Next {
  const { c, rng, now } = s;
  const endsAt = deadline(startedAt, c.policy.limits.publicity, CALENDAR);
  s.step(
    startedAt,
    { actor: SYSTEM, action: 'publicity_started', stage: 'publicity', data: { endsAt: toIso(endsAt) } },
    {
      stage: 'publicity',
      status: 'open',
      publicityEndsAt: toIso(endsAt),
      route: { target: 'publicity', endsAt: toIso(endsAt) },
    },
  );
  if (rng() < OBJECTED) {
    const filedAt = startedAt + rng() * (endsAt - startedAt);
    if (filedAt > now) return undefined;
    const recorder = reviewersOf('village_reviewer', c.villageCode)[0]!;
    const objection: ObjectionItem = {
      objectionId: `obj_${hex(`${c.caseId}:objection`)}`,
      caseId: c.caseId,
      status: 'open',
      objector: { name: pick(rng, SURNAMES) + pick(rng, GIVEN) },
      content: '该户家庭收入情况与公示不符。',
      filedAt: toIso(filedAt),
      filedBy: recorder,
    };
    s.step(filedAt, {
      actor: recorder,
      action: 'objection_filed',
      stage: 'publicity',
      data: { objectionId: objection.objectionId },
    });
    s.objections.push(objection);
  }
  const at = endsAt + STEP_MS;
  if (at > now) return undefined;
  const openObjections = s.objections.filter((o) => o.status === 'open').length;
  const route = routeAfterPublicity(catalogueOf(c.procedure), c.policy.order, openObjections);
  const enrolled = route.target === 'end';
  s.step(
    at,
    {
      actor: SYSTEM,
      action: enrolled ? 'enrolled' : 'publicity_ended',
      stage: 'publicity',
      data: { openObjections, route },
    },
    enrolled ? { status: statusOn(route), enrolledAt: toIso(at), closedAt: toIso(at), route } : { route },
  );
  s.reach({ stage: 'publicity', route }, at);
  return { route, at };
}

/** Case `i` of the county, lived up to `now`. */
function seededCase(i: number, opts: SeedOptions): SeededCase {
  const rng = mulberry32((opts.seed ?? 1) * 1_000_003 + i);
  const villageCode = pick(rng, SEED_VILLAGES);
  const household = seededHousehold(i, villageCode, rng);
  const filedAt = filingTime(rng, opts.now);
  const caseId = `case_${hex(`seed:${opts.seed ?? 1}:${i}`)}`;
  const filer: Actor =
    household.source === 'self_declared'
      ? { sub: `seed-applicant-${i}`, name: household.head.name, role: 'applicant' }
      : reviewersOf('village_reviewer', villageCode)[0]!;
  const policy = defaultPolicy(SEED_COUNTY);
  const s = new SeededCase(
    {
      caseId,
      procedure: 'identification',
      status: 'open',
      stage: FIRST_STAGE,
      villageCode,
      household,
      applicant: filer,
      createdAt: toIso(filedAt),
      updatedAt: toIso(filedAt),
      version: 0,
      policy,
      auditLength: 0,
      auditHead: GENESIS_HASH,
      executionArn: executionArnOf(opts.stateMachineArn, caseId),
      route: { target: FIRST_STAGE },
    },
    rng,
    filer,
    opts.now,
  );
  s.step(filedAt, {
    actor: filer,
    action: 'filed',
    stage: FIRST_STAGE,
    data: { source: household.source, category: household.category, policyVersion: policy.version },
  });
  let next: Next = { route: s.c.route, at: filedAt };
  while (next && next.route.target !== 'end') {
    const { route, at } = next;
    const t = at + STEP_MS;
    if (t > opts.now) break;
    if (route.target === 'publicity') next = publicity(s, t);
    else if (route.target === 'await_supplement') next = awaitSupplement(s, route.stage, at);
    else next = runStage(s, route.target as SeededStage, t);
  }
  return s;
}

// ---- loading ------------------------------------------------------------------------------------------------

export interface SeedOptions {
  store: Store;
  cases: number;
  /** the simulated now, epoch ms: cases are filed in the 365 days before it */
  now: number;
  /** the identification state machine, for the cases' execution ARNs */
  stateMachineArn: string;
  /** BatchWriteItem requests in flight (default 8) */
  concurrency?: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface SeedReport {
  cases: number;
  items: number;
  seconds: number;
  itemsPerSecond: number;
  casesPerSecond: number;
  statuses: Record<string, number>;
  openTasks: number;
  overdueOpenTasks: number;
  timingRecords: number;
}

/**
 * Seeds `cases` cases of county 611002 (10 townships × 20 villages) and returns what was written and how fast.
 * Items are generated as they are written, so memory stays flat whatever N.
 */
export async function seedCounty(opts: SeedOptions): Promise<SeedReport> {
  const log = opts.log ?? (() => {});
  const nowIso = toIso(opts.now);
  const report: SeedReport = {
    cases: opts.cases,
    items: 0,
    seconds: 0,
    itemsPerSecond: 0,
    casesPerSecond: 0,
    statuses: {},
    openTasks: 0,
    overdueOpenTasks: 0,
    timingRecords: 0,
  };
  const started = performance.now();
  const tenth = Math.max(1, Math.floor(opts.cases / 10));
  function* all(): Generator<Item> {
    for (let i = 0; i < opts.cases; i++) {
      const s = seededCase(i, opts);
      report.statuses[s.c.status] = (report.statuses[s.c.status] ?? 0) + 1;
      for (const t of s.tasks) {
        if (t.status === 'done') report.timingRecords++;
        else {
          report.openTasks++;
          if (t.dueAt < nowIso) report.overdueOpenTasks++;
        }
      }
      yield* s.items();
      if ((i + 1) % tenth === 0 && i + 1 < opts.cases) {
        const seconds = (performance.now() - started) / 1000;
        const left = Math.round(((opts.cases - i - 1) * seconds) / (i + 1));
        log(
          `  seeded ${i + 1}/${opts.cases} cases, ${Math.round(report.items / seconds)} items/s, ~${left} s to go`,
        );
      }
    }
  }
  const source = all();
  const lane = async () => {
    for (;;) {
      const batch: Item[] = [];
      for (let r = source.next(); !r.done; r = source.next()) {
        batch.push(r.value);
        if (batch.length === BATCH) break;
      }
      if (batch.length === 0) return;
      await opts.store.putItems(batch);
      report.items += batch.length;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, lane));
  const seconds = (performance.now() - started) / 1000;
  report.seconds = Math.round(seconds * 10) / 10;
  report.itemsPerSecond = Math.round(report.items / seconds);
  report.casesPerSecond = Math.round(opts.cases / seconds);
  return report;
}
