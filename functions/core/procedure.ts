import type { z } from 'zod';
import type { Role } from '../../schemas/common.ts';
import {
  proposalVerificationDetailsSchema,
  townshipVerificationDetailsSchema,
  villageReviewDetailsSchema,
} from '../../schemas/decision.ts';
import type { CaseStatus, DecisionKind, Procedure, Stage } from '../../schemas/domain.ts';
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

/**
 * The stages' roles, levels, limits, decisions and send-back targets: the same in both procedures (docs/domain.md
 * §5, §12), which differ in what a stage records, how a success ends and what the statute calls each stage.
 */
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

/**
 * One procedure as data: its stages (STAGE_SPECS), the record each stage's approval or rejection carries, how a
 * case that passes every stage and publicity ends, what the statute calls each stage (the state machine's
 * comments), and whether the whole-procedure SLA applies. The state machine, the decision checks, the routes and
 * the end of a case are all read from here, so a procedure is one entry of CATALOGUES.
 */
export interface ProcedureCatalogue {
  procedure: Procedure;
  /** 识别纳入 / 风险消除: names the procedure on the notice and in the state machine */
  title: string;
  stages: Readonly<Record<HumanStage, StageSpec>>;
  /** the `details` a stage's approval or rejection must carry; a stage not listed takes none */
  details: Readonly<Partial<Record<HumanStage, z.ZodType>>>;
  /** the status of a case that passed every stage and its publicity */
  success: Extract<CaseStatus, 'enrolled' | 'risk_eliminated'>;
  /** what each stage is in the statutory procedure, written into the ASL as state comments */
  statute: Readonly<Partial<Record<HumanStage, string>>>;
  /** the whole-procedure limit reported as an SLA (milestones), if the procedure has one */
  sla?: keyof Policy['limits'];
}

/** The identification procedure (识别纳入, docs/domain.md §5). */
export const IDENTIFICATION: ProcedureCatalogue = {
  procedure: 'identification',
  title: '识别纳入',
  stages: STAGE_SPECS,
  details: {
    village_review: villageReviewDetailsSchema,
    township_verification: townshipVerificationDetailsSchema,
  },
  success: 'enrolled',
  statute: {
    village_review: '民主评议: the village committee appraises the household in a meeting and votes',
    township_verification:
      '入户核实: at least two township staff visit the household and verify income and risks',
    county_approval: '审定: the county rural-revitalisation bureau approves or rejects',
    objection_review: '异议复核: the township reviews an objection raised during publicity',
    reexamination:
      '复核: the township reviews a rejection the applicant contests, once; overturned → the rejecting stage reviews again',
  },
  sla: 'wholeIdentification',
};

/** The risk-elimination procedure (风险消除, docs/domain.md §12): the same stages, the way out of monitoring. */
export const RISK_ELIMINATION: ProcedureCatalogue = {
  procedure: 'risk_elimination',
  title: '风险消除',
  stages: STAGE_SPECS,
  details: {
    village_review: villageReviewDetailsSchema,
    township_verification: proposalVerificationDetailsSchema,
  },
  success: 'risk_eliminated',
  statute: {
    village_review:
      '民主评议: the village committee appraises whether the risk is stably eliminated, and votes',
    township_verification:
      '入户核实: at least two township staff visit the household, verify its income and confirm the evidence',
    county_approval: '审定: the county rural-revitalisation bureau approves the elimination or rejects it',
    objection_review: '异议复核: the township reviews an objection raised during publicity',
    reexamination:
      '复核: the township reviews a rejected proposal the household contests, once; overturned → the rejecting stage reviews again',
  },
};

export const CATALOGUES: Readonly<Record<Procedure, ProcedureCatalogue>> = {
  identification: IDENTIFICATION,
  risk_elimination: RISK_ELIMINATION,
};
export const catalogueOf = (procedure: Procedure): ProcedureCatalogue => CATALOGUES[procedure];

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
  | { target: 'end'; status: Extract<CaseStatus, 'enrolled' | 'risk_eliminated' | 'rejected' | 'withdrawn'> };
export type RouteTarget = Route['target'];

/** The human stage a route enters, if it enters one. */
export const humanStageOf = (route: Route): HumanStage | undefined =>
  (HUMAN_STAGES as readonly string[]).includes(route.target) ? (route.target as HumanStage) : undefined;

/** The stage after `stage` on the main line, or the procedure's success (enrolment …) when it is the last. */
export function after(catalogue: ProcedureCatalogue, order: StageOrder, stage: Stage): Route {
  const line = STAGE_ORDERS[order];
  const i = line.indexOf(stage === 'objection_review' ? 'publicity' : stage);
  const next = line[i + 1];
  return next ? { target: next } : { target: 'end', status: catalogue.success };
}

/**
 * The route a decision at a human stage takes (callers validated that the decision is allowed there). `to` is
 * a send-back's target; `rejectingStage` is the stage whose rejection a re-examination reviews.
 */
export function routeOf(
  catalogue: ProcedureCatalogue,
  order: StageOrder,
  stage: HumanStage,
  decision: DecisionKind,
  to?: Stage,
  rejectingStage?: HumanStage,
): Route {
  switch (decision) {
    case 'approve':
    case 'dismiss':
      return after(catalogue, order, stage);
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
export function routeAfterPublicity(
  catalogue: ProcedureCatalogue,
  order: StageOrder,
  openObjections: number,
): Route {
  return openObjections > 0 ? { target: 'objection_review' } : after(catalogue, order, 'publicity');
}

/** Every target a stage's decision Choice may need, over all orders: the edges of the procedure's state machine. */
export function targetsFrom(catalogue: ProcedureCatalogue, stage: HumanStage): RouteTarget[] {
  const targets = new Set<RouteTarget>();
  const spec = catalogue.stages[stage];
  for (const order of Object.keys(STAGE_ORDERS) as StageOrder[]) {
    for (const decision of spec.decisions) {
      const tos = decision === 'send_back' ? spec.sendBackTo : [undefined];
      const rejecting = decision === 'overturn' ? REJECTING_STAGES : [undefined];
      for (const to of tos) {
        for (const r of rejecting) targets.add(routeOf(catalogue, order, stage, decision, to, r).target);
      }
    }
  }
  return [...targets];
}

/** Targets publicity's end may lead to, over all orders. */
export function targetsFromPublicity(catalogue: ProcedureCatalogue): RouteTarget[] {
  const targets = new Set<RouteTarget>();
  for (const order of Object.keys(STAGE_ORDERS) as StageOrder[]) {
    for (const n of [0, 1]) targets.add(routeAfterPublicity(catalogue, order, n).target);
  }
  return [...targets];
}

/**
 * Targets after the supplement wait: the stage that returned the case (supplemented), or the end (withdrawn by
 * the applicant meanwhile, or for lack of a supplement).
 */
export function targetsFromSupplementWait(catalogue: ProcedureCatalogue): RouteTarget[] {
  return [...HUMAN_STAGES.filter((s) => catalogue.stages[s].decisions.includes('return')), 'end'];
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
