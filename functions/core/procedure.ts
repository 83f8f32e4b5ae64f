import type { Role } from '../../schemas/common.ts';
import type { CaseStatus, DecisionKind, Stage } from '../../schemas/domain.ts';
import { conflict } from './errors.ts';
import type { Level } from './jurisdiction.ts';
import type { Policy, StageOrder } from './policy.ts';

/** A stage where a reviewer decides; publicity is the one stage without a task. */
export type HumanStage = Exclude<Stage, 'publicity'>;

export interface StageSpec {
  stage: HumanStage;
  role: Role;
  level: Level;
  limit: keyof Policy['limits'];
  decisions: readonly DecisionKind[];
  /** Earlier stages a `send_back` from here may target (退回). */
  sendBackTo: readonly HumanStage[];
}

/** The identification procedure's human stages (docs/domain.md §5). */
export const STAGE_SPECS: Readonly<Record<HumanStage, StageSpec>> = {
  village_review: {
    stage: 'village_review',
    role: 'village_reviewer',
    level: 'village',
    limit: 'village_review',
    decisions: ['approve', 'reject', 'return'],
    sendBackTo: [],
  },
  township_verification: {
    stage: 'township_verification',
    role: 'township_reviewer',
    level: 'township',
    limit: 'township_verification',
    decisions: ['approve', 'reject', 'return', 'send_back'],
    sendBackTo: ['village_review'],
  },
  county_approval: {
    stage: 'county_approval',
    role: 'county_reviewer',
    level: 'county',
    limit: 'county_approval',
    decisions: ['approve', 'reject', 'return', 'send_back'],
    sendBackTo: ['township_verification'],
  },
  objection_review: {
    stage: 'objection_review',
    role: 'township_reviewer',
    level: 'township',
    limit: 'objection_review',
    decisions: ['uphold', 'dismiss'],
    sendBackTo: [],
  },
  // Entered only by the applicant's request after a rejection (requestReexamination), never by a decision.
  reexamination: {
    stage: 'reexamination',
    role: 'township_reviewer',
    level: 'township',
    limit: 'reexamination',
    decisions: ['uphold', 'overturn'],
    sendBackTo: [],
  },
};

export const HUMAN_STAGES = Object.keys(STAGE_SPECS) as HumanStage[];
export const isHumanStage = (stage: Stage): stage is HumanStage => stage !== 'publicity';

/** The main line of stages for an order; objection review branches off publicity. */
export const STAGE_ORDERS: Readonly<Record<StageOrder, readonly Stage[]>> = {
  standard: ['village_review', 'township_verification', 'county_approval', 'publicity'],
  publicity_after_village: ['village_review', 'publicity', 'township_verification', 'county_approval'],
};

/** Where an upheld objection sends the case for re-verification. */
const UPHELD_TARGET: Readonly<Record<StageOrder, HumanStage>> = {
  standard: 'township_verification',
  publicity_after_village: 'village_review',
};

export const FIRST_STAGE: Stage = 'village_review';

/** Stages whose `reject` ends a case, so whose rejection a re-examination may overturn. */
export const REJECTING_STAGES = HUMAN_STAGES.filter((s) => STAGE_SPECS[s].decisions.includes('reject'));
const isRejectingStage = (stage: Stage): stage is HumanStage =>
  (REJECTING_STAGES as readonly Stage[]).includes(stage);

/**
 * The task a route into a human stage opens, chosen by whoever chose the route: the stage's one workflow step
 * opens exactly this task, and its wait's timeout (`timeoutSeconds`, until `escalateAt`) is known before it runs.
 */
export interface PlannedTask {
  taskId: string;
  /** when the stage was entered (the decision that chose the route): the task is open, and its days count, from then */
  openedAt: string;
  dueAt: string;
  escalateAt: string;
}

/**
 * Where the state machine goes next. A human stage opens `task` there and waits `timeoutSeconds` before
 * escalating (routes stored before tasks were planned have neither); `publicity` waits until `endsAt` (the
 * decision that chose it started it); `await_supplement` waits for the applicant and then reopens the same
 * stage; `end` finishes with a terminal status.
 */
export type Route =
  | { target: Stage; task?: PlannedTask; timeoutSeconds?: number; endsAt?: string }
  | { target: 'await_supplement'; stage: HumanStage; timeoutSeconds?: number }
  | { target: 'end'; status: Extract<CaseStatus, 'enrolled' | 'rejected' | 'withdrawn'> };
export type RouteTarget = Route['target'];

/** The human stage a route enters, if it enters one. */
export const humanStageOf = (route: Route): HumanStage | undefined =>
  (HUMAN_STAGES as readonly string[]).includes(route.target) ? (route.target as HumanStage) : undefined;

/** The stage after `stage` on the main line, or enrolment when it is the last. */
export function after(order: StageOrder, stage: Stage): Route {
  const line = STAGE_ORDERS[order];
  const i = line.indexOf(stage === 'objection_review' ? 'publicity' : stage);
  const next = line[i + 1];
  return next ? { target: next } : { target: 'end', status: 'enrolled' };
}

/**
 * The route a decision at a human stage takes (callers validated that the decision is allowed there). `to` is
 * a send-back's target; `rejectingStage` is the stage whose rejection a re-examination reviews.
 */
export function routeOf(
  order: StageOrder,
  stage: HumanStage,
  decision: DecisionKind,
  to?: Stage,
  rejectingStage?: HumanStage,
): Route {
  switch (decision) {
    case 'approve':
    case 'dismiss':
      return after(order, stage);
    case 'reject':
      return { target: 'end', status: 'rejected' };
    case 'return':
      return { target: 'await_supplement', stage };
    case 'send_back':
      if (!to) throw new Error('send_back needs a target stage');
      return { target: to };
    case 'uphold':
      // upholding an objection re-verifies the case; upholding a rejection lets it stand
      return stage === 'reexamination'
        ? { target: 'end', status: 'rejected' }
        : { target: UPHELD_TARGET[order] };
    case 'overturn':
      if (!rejectingStage) throw new Error('overturn needs the stage that rejected the case');
      return { target: rejectingStage };
  }
}

/** Where publicity leads when it ends: objection review if any objection is open, else onwards. */
export function routeAfterPublicity(order: StageOrder, openObjections: number): Route {
  return openObjections > 0 ? { target: 'objection_review' } : after(order, 'publicity');
}

/** Every target a stage's decision Choice may need, over all orders: the edges of the state machine. */
export function targetsFrom(stage: HumanStage): RouteTarget[] {
  const targets = new Set<RouteTarget>();
  for (const order of Object.keys(STAGE_ORDERS) as StageOrder[]) {
    for (const decision of STAGE_SPECS[stage].decisions) {
      const tos = decision === 'send_back' ? STAGE_SPECS[stage].sendBackTo : [undefined];
      const rejecting = decision === 'overturn' ? REJECTING_STAGES : [undefined];
      for (const to of tos) {
        for (const r of rejecting) targets.add(routeOf(order, stage, decision, to, r).target);
      }
    }
  }
  return [...targets];
}

/** Targets publicity's end may lead to, over all orders. */
export function targetsFromPublicity(): RouteTarget[] {
  const targets = new Set<RouteTarget>();
  for (const order of Object.keys(STAGE_ORDERS) as StageOrder[]) {
    for (const n of [0, 1]) targets.add(routeAfterPublicity(order, n).target);
  }
  return [...targets];
}

/**
 * Targets after the supplement wait: the stage that returned the case (supplemented), or the end (withdrawn by
 * the applicant meanwhile, or for lack of a supplement).
 */
export function targetsFromSupplementWait(): RouteTarget[] {
  return [...HUMAN_STAGES.filter((s) => STAGE_SPECS[s].decisions.includes('return')), 'end'];
}

/** The case status while it travels `route`. */
export function statusOn(route: Route): CaseStatus {
  if (route.target === 'end') return route.status;
  return route.target === 'await_supplement' ? 'returned' : 'open';
}

export const TERMINAL_STATUSES: readonly CaseStatus[] = [
  'enrolled',
  'rejected',
  'withdrawn',
  'risk_eliminated',
];
export const isTerminal = (status: CaseStatus) => TERMINAL_STATUSES.includes(status);

/**
 * Stages counted as "before county approval", when an applicant may still withdraw. Stages off the main line
 * (objection review, re-examination) come after a county decision or a rejection, so never count.
 */
export function beforeCountyDecision(order: StageOrder, stage: Stage): boolean {
  const line = STAGE_ORDERS[order];
  const i = line.indexOf(stage);
  return i >= 0 && i <= line.indexOf('county_approval');
}

/** What decides whether a case may be re-examined. */
export interface ReexaminationScope {
  status: CaseStatus;
  stage: Stage;
  reexaminationRequestedAt?: string;
}

/**
 * A re-examination (复核) may be asked for only after a rejection at a review stage, and only once
 * (docs/domain.md §9). Returns the stage whose rejection the township will review; anything else is a 409
 * naming the rule.
 */
export function reexaminationOf(c: ReexaminationScope): HumanStage {
  if (c.status === 'rejected' && c.reexaminationRequestedAt) {
    throw conflict(
      `a rejection is re-examined once; this one was (requested ${c.reexaminationRequestedAt})`,
      [{ path: 'case.reexaminationRequestedAt', rule: 'once' }],
    );
  }
  if (c.status !== 'rejected' || !isRejectingStage(c.stage)) {
    throw conflict(`only a rejected case can be re-examined; this one is ${c.status}`, [
      { path: 'case.status', rule: 'rejected' },
    ]);
  }
  return c.stage;
}
