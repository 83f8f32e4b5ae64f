import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateDecision } from '../../functions/core/decisions.ts';
import type { StageOrder } from '../../functions/core/policy.ts';
import {
  after as afterStage,
  beforeCountyDecision,
  FIRST_STAGE,
  HUMAN_STAGES,
  type HumanStage,
  IDENTIFICATION,
  isHumanStage,
  isTerminal,
  REJECTING_STAGES,
  RISK_ELIMINATION,
  type Route,
  type RouteTarget,
  reexaminationOf,
  routeAfterPublicity,
  routeOf,
  STAGE_ORDERS,
  STAGE_SPECS,
  statusOn,
  TERMINAL_STATUSES,
  targetsFrom,
  targetsFromPublicity,
} from '../../functions/core/procedure.ts';
import { decisionBodySchema } from '../../schemas/decision.ts';
import {
  CASE_STATUSES,
  type CaseStatus,
  type DecisionKind,
  STAGES,
  type Stage,
} from '../../schemas/domain.ts';

const ORDERS = Object.keys(STAGE_ORDERS) as StageOrder[];

describe('routeOf: every stage × decision × order', () => {
  const rejected: Route = { target: 'end', status: 'rejected' };
  const enrolled: Route = { target: 'end', status: 'enrolled' };
  const awaiting = (stage: HumanStage): Route => ({ target: 'await_supplement', stage });

  // [order, stage, decision, send-back target, expected route]
  const table: [StageOrder, HumanStage, DecisionKind, HumanStage | undefined, Route][] = [
    ['standard', 'village_review', 'approve', undefined, { target: 'township_verification' }],
    ['standard', 'village_review', 'reject', undefined, rejected],
    ['standard', 'village_review', 'return', undefined, awaiting('village_review')],
    ['standard', 'township_verification', 'approve', undefined, { target: 'county_approval' }],
    ['standard', 'township_verification', 'reject', undefined, rejected],
    ['standard', 'township_verification', 'return', undefined, awaiting('township_verification')],
    ['standard', 'township_verification', 'send_back', 'village_review', { target: 'village_review' }],
    ['standard', 'county_approval', 'approve', undefined, { target: 'publicity' }],
    ['standard', 'county_approval', 'reject', undefined, rejected],
    ['standard', 'county_approval', 'return', undefined, awaiting('county_approval')],
    [
      'standard',
      'county_approval',
      'send_back',
      'township_verification',
      { target: 'township_verification' },
    ],
    ['standard', 'objection_review', 'uphold', undefined, { target: 'township_verification' }],
    ['standard', 'objection_review', 'dismiss', undefined, enrolled],
    ['publicity_after_village', 'village_review', 'approve', undefined, { target: 'publicity' }],
    ['publicity_after_village', 'village_review', 'reject', undefined, rejected],
    ['publicity_after_village', 'village_review', 'return', undefined, awaiting('village_review')],
    ['publicity_after_village', 'township_verification', 'approve', undefined, { target: 'county_approval' }],
    ['publicity_after_village', 'township_verification', 'reject', undefined, rejected],
    [
      'publicity_after_village',
      'township_verification',
      'return',
      undefined,
      awaiting('township_verification'),
    ],
    [
      'publicity_after_village',
      'township_verification',
      'send_back',
      'village_review',
      { target: 'village_review' },
    ],
    ['publicity_after_village', 'county_approval', 'approve', undefined, enrolled],
    ['publicity_after_village', 'county_approval', 'reject', undefined, rejected],
    ['publicity_after_village', 'county_approval', 'return', undefined, awaiting('county_approval')],
    [
      'publicity_after_village',
      'county_approval',
      'send_back',
      'township_verification',
      { target: 'township_verification' },
    ],
    ['publicity_after_village', 'objection_review', 'uphold', undefined, { target: 'village_review' }],
    [
      'publicity_after_village',
      'objection_review',
      'dismiss',
      undefined,
      { target: 'township_verification' },
    ],
    ['standard', 'reexamination', 'uphold', undefined, rejected],
    ['publicity_after_village', 'reexamination', 'uphold', undefined, rejected],
  ];

  it.each(table)('%s: %s --%s(%s)--> %j', (order, stage, decision, to, expected) => {
    expect(routeOf(IDENTIFICATION, order, stage, decision, to)).toEqual(expected);
  });

  it('the table covers every allowed decision and send-back target of every stage in every order', () => {
    const covered = new Set(table.map(([o, s, d, t]) => `${o}/${s}/${d}/${t}`));
    for (const order of ORDERS) {
      for (const stage of HUMAN_STAGES) {
        for (const decision of STAGE_SPECS[stage].decisions) {
          if (decision === 'overturn') continue; // every rejecting stage, below
          const tos = decision === 'send_back' ? STAGE_SPECS[stage].sendBackTo : [undefined];
          for (const to of tos) expect(covered).toContain(`${order}/${stage}/${decision}/${to}`);
        }
      }
    }
  });

  it.each(ORDERS.flatMap((order) => REJECTING_STAGES.map((stage) => [order, stage] as const)))(
    '%s: reexamination --overturn--> %s, the stage that rejected the case, reviews again',
    (order, rejecting) => {
      expect(routeOf(IDENTIFICATION, order, 'reexamination', 'overturn', undefined, rejecting)).toEqual({
        target: rejecting,
      });
    },
  );

  it('the rejecting stages are the review stages that offer reject', () => {
    expect(REJECTING_STAGES).toEqual(['village_review', 'township_verification', 'county_approval']);
  });

  it('send_back without a target, or overturn without the rejecting stage, is a programming error', () => {
    expect(() => routeOf(IDENTIFICATION, 'standard', 'county_approval', 'send_back')).toThrow(/target stage/);
    expect(() => routeOf(IDENTIFICATION, 'standard', 'reexamination', 'overturn')).toThrow(
      /rejected the case/,
    );
  });
});

describe('reexaminationOf (复核: after a rejection, once)', () => {
  const requested = '2026-11-10T09:00:00+08:00';

  it.each(REJECTING_STAGES)('a case rejected at %s is re-examined for that stage', (stage) => {
    expect(reexaminationOf({ status: 'rejected', stage })).toBe(stage);
  });

  it.each(CASE_STATUSES.filter((s) => s !== 'rejected'))('a %s case is refused: rule rejected', (status) => {
    expect(() => reexaminationOf({ status, stage: 'county_approval' })).toThrow(
      expect.objectContaining({ code: 'conflict', details: [{ path: 'case.status', rule: 'rejected' }] }),
    );
  });

  it.each([
    ['upheld at re-examination', 'reexamination'],
    ['overturned, then rejected again', 'village_review'],
  ] as const)('a second request (%s) is refused: rule once', (_, stage) => {
    expect(() => reexaminationOf({ status: 'rejected', stage, reexaminationRequestedAt: requested })).toThrow(
      expect.objectContaining({
        code: 'conflict',
        details: [{ path: 'case.reexaminationRequestedAt', rule: 'once' }],
      }),
    );
  });

  it('an overturned case that went on to be enrolled is refused for its status', () => {
    expect(() =>
      reexaminationOf({ status: 'enrolled', stage: 'publicity', reexaminationRequestedAt: requested }),
    ).toThrow(expect.objectContaining({ details: [{ path: 'case.status', rule: 'rejected' }] }));
  });
});

describe('routeAfterPublicity', () => {
  it.each([
    ['standard', 0, { target: 'end', status: 'enrolled' }],
    ['standard', 1, { target: 'objection_review' }],
    ['standard', 7, { target: 'objection_review' }],
    ['publicity_after_village', 0, { target: 'township_verification' }],
    ['publicity_after_village', 2, { target: 'objection_review' }],
  ] as const)('%s with %i open objections → %j', (order, n, expected) => {
    expect(routeAfterPublicity(IDENTIFICATION, order, n)).toEqual(expected);
  });
});

describe('after (the next stage on the main line)', () => {
  it('walks each main line to enrolment', () => {
    for (const order of ORDERS) {
      const line = STAGE_ORDERS[order];
      line.forEach((stage, i) => {
        expect(afterStage(IDENTIFICATION, order, stage)).toEqual(
          i + 1 < line.length ? { target: line[i + 1] } : { target: 'end', status: 'enrolled' },
        );
      });
      // Objection review leaves the line where publicity does.
      expect(afterStage(IDENTIFICATION, order, 'objection_review')).toEqual(
        afterStage(IDENTIFICATION, order, 'publicity'),
      );
    }
  });

  it('both orders hold the same stages, starting with village review', () => {
    for (const order of ORDERS) {
      expect(STAGE_ORDERS[order][0]).toBe(FIRST_STAGE);
      const offLine: Stage[] = ['objection_review', 'reexamination'];
      expect([...STAGE_ORDERS[order]].sort()).toEqual(STAGES.filter((s) => !offLine.includes(s)).sort());
    }
  });
});

describe('the state machine’s edges', () => {
  it.each([
    ['village_review', ['await_supplement', 'end', 'publicity', 'township_verification']],
    ['township_verification', ['await_supplement', 'county_approval', 'end', 'village_review']],
    ['county_approval', ['await_supplement', 'end', 'publicity', 'township_verification']],
    ['objection_review', ['end', 'township_verification', 'village_review']],
    ['reexamination', ['county_approval', 'end', 'township_verification', 'village_review']],
  ] as const)('targetsFrom(IDENTIFICATION, %s) = %j', (stage, expected) => {
    expect(targetsFrom(IDENTIFICATION, stage).sort()).toEqual([...expected]);
  });

  it('targetsFromPublicity covers enrolment, objections and the next stage of either order', () => {
    expect(targetsFromPublicity(IDENTIFICATION).sort()).toEqual([
      'end',
      'objection_review',
      'township_verification',
    ]);
  });
});

describe('statusOn and terminal statuses', () => {
  it('maps each kind of route to a status', () => {
    expect(statusOn({ target: 'county_approval' })).toBe('open');
    expect(statusOn({ target: 'publicity' })).toBe('open');
    expect(statusOn({ target: 'await_supplement', stage: 'village_review' })).toBe('returned');
    for (const status of ['enrolled', 'rejected', 'withdrawn'] as const) {
      expect(statusOn({ target: 'end', status })).toBe(status);
    }
  });

  it('terminal statuses are the ends of a case, never open, returned or error', () => {
    expect([...TERMINAL_STATUSES].sort()).toEqual(['enrolled', 'rejected', 'risk_eliminated', 'withdrawn']);
    for (const status of CASE_STATUSES) {
      expect(isTerminal(status)).toBe(TERMINAL_STATUSES.includes(status));
    }
    expect(isTerminal('open')).toBe(false);
    expect(isTerminal('returned')).toBe(false);
    expect(isTerminal('error')).toBe(false);
  });
});

describe('beforeCountyDecision (withdrawal allowed)', () => {
  it.each([
    ['standard', 'village_review', true],
    ['standard', 'township_verification', true],
    ['standard', 'county_approval', true],
    ['standard', 'publicity', false],
    ['standard', 'objection_review', false],
    ['standard', 'reexamination', false],
    ['publicity_after_village', 'village_review', true],
    ['publicity_after_village', 'publicity', true],
    ['publicity_after_village', 'township_verification', true],
    ['publicity_after_village', 'county_approval', true],
    ['publicity_after_village', 'objection_review', false],
    ['publicity_after_village', 'reexamination', false],
  ] as const)('%s at %s → %s', (order, stage, expected) => {
    expect(beforeCountyDecision(order, stage)).toBe(expected);
  });
});

/**
 * Random walks over the procedure: each step draws one choice from the tape. Human stages take a random
 * allowed decision (validated as the API would), publicity ends with a random objection count, a return is
 * resolved by a supplement (same stage again) or by the supplement limit running out (WITHDRAWN), and an ended
 * case may ask for a re-examination, which core grants or refuses.
 */
describe.each([IDENTIFICATION, RISK_ELIMINATION])(
  'random decision sequences of $procedure (property)',
  (catalogue) => {
    const KNOWN_TARGETS = new Set<RouteTarget>([...STAGES, 'await_supplement', 'end']);
    const RECORD: Partial<Record<HumanStage, unknown>> = {
      village_review: { meetingDate: '2026-11-20', attendees: 10, votesFor: 9, votesAgainst: 1 },
      township_verification: {
        visitDate: '2026-11-24',
        verifiers: ['甲', '乙'],
        verifiedIncomePerCapita: 5000,
        ...(catalogue.procedure === 'identification'
          ? { confirmedRiskTypes: ['illness'] }
          : { evidenceConfirmed: true }),
        findings: '属实',
      },
    };

    /** What the procedure reads of a case: where it is headed, the stage it stands at, its re-examination. */
    interface Case {
      route: Route;
      stage: Stage;
      rejectingStage?: HumanStage;
      reexaminationRequestedAt?: string;
    }

    interface Step {
      from: Case;
      to: Case;
    }

    const statusOf = (c: Case): CaseStatus => statusOn(c.route);
    /** The case after taking `route`: entering a stage moves it there; a wait or an end keeps its stage. */
    const moved = (c: Case, route: Route): Case =>
      route.target === 'end' || route.target === 'await_supplement'
        ? { ...c, route }
        : { ...c, route, stage: route.target };

    /** The applicant asks for a re-examination of an ended case: core grants it (→ the stage) or refuses. */
    function requestReexamination(c: Case): Case | null {
      try {
        const rejectingStage = reexaminationOf({ ...c, status: statusOf(c) });
        return { ...moved(c, { target: 'reexamination' }), rejectingStage, reexaminationRequestedAt: 'now' };
      } catch {
        return null;
      }
    }

    /** One step from `c`, or null when the case has ended for good. */
    function step(order: StageOrder, c: Case, choice: number, objections: number): Case | null {
      const { route } = c;
      if (route.target === 'end') return choice % 2 === 0 ? requestReexamination(c) : null;
      if (route.target === 'await_supplement') {
        return moved(c, choice % 4 === 0 ? { target: 'end', status: 'withdrawn' } : { target: route.stage });
      }
      if (route.target === 'publicity') return moved(c, routeAfterPublicity(catalogue, order, objections));
      const stage = route.target;
      const spec = STAGE_SPECS[stage];
      const decision = spec.decisions[choice % spec.decisions.length]!;
      const to = decision === 'send_back' ? spec.sendBackTo[choice % spec.sendBackTo.length] : undefined;
      const raw: Record<string, unknown> = { decision, comment: '意见' };
      if (decision === 'reject' || decision === 'send_back' || decision === 'uphold') raw.reason = '理由';
      if (decision === 'return') raw.missing = ['材料'];
      if (to) raw.to = to;
      if ((decision === 'approve' || decision === 'reject') && RECORD[stage]) raw.details = RECORD[stage];
      validateDecision(stage, decisionBodySchema.parse(raw), undefined, catalogue);
      return moved(c, routeOf(catalogue, order, stage, decision, to, c.rejectingStage));
    }

    const START: Case = { route: { target: FIRST_STAGE }, stage: FIRST_STAGE };

    function walk(order: StageOrder, tape: readonly [number, number][]): Step[] {
      const steps: Step[] = [];
      let c = START;
      for (const [choice, objections] of tape) {
        const next = step(order, c, choice, objections);
        if (!next) break;
        steps.push({ from: c, to: next });
        c = next;
      }
      return steps;
    }

    const orderArb = fc.constantFrom(...ORDERS);
    const tapeArb = fc.array(fc.tuple(fc.nat(1000), fc.nat(3)), { minLength: 1, maxLength: 80 });

    it('never reaches an undefined state, and every move is an edge of the state machine', () => {
      fc.assert(
        fc.property(orderArb, tapeArb, (order, tape) => {
          for (const {
            from: { route: from },
            to: { route: to },
          } of walk(order, tape)) {
            expect(KNOWN_TARGETS).toContain(to.target);
            expect(CASE_STATUSES).toContain(statusOn(to));
            if (to.target === 'await_supplement') expect(isHumanStage(to.stage)).toBe(true);
            if (from.target === 'publicity') expect(targetsFromPublicity(catalogue)).toContain(to.target);
            else if (from.target === 'await_supplement') {
              expect([from.stage, 'end']).toContain(to.target);
            } else if (from.target === 'end') {
              // an ended case moves only by a re-examination request: a new execution entering at its stage
              expect(to.target).toBe('reexamination');
            } else {
              expect(targetsFrom(catalogue, from.target)).toContain(to.target);
            }
          }
        }),
      );
    });

    it('the status is terminal exactly at end, and only a rejection is ever followed: by its re-examination', () => {
      fc.assert(
        fc.property(orderArb, tapeArb, (order, tape) => {
          const steps = walk(order, tape);
          steps.forEach(({ to }, i) => {
            const terminal = isTerminal(statusOf(to));
            expect(terminal).toBe(to.route.target === 'end');
            const next = steps[i + 1]?.to;
            if (terminal && next) {
              expect(statusOf(to)).toBe('rejected');
              expect(next.route).toEqual({ target: 'reexamination' });
            }
          });
          const last = steps.at(-1)?.to;
          if (last && last.route.target === 'end' && statusOf(last) !== 'rejected') {
            expect(step(order, last, 0, 0)).toBeNull();
            expect(step(order, last, 1, 1)).toBeNull();
          }
        }),
      );
    });

    it('re-examination is reached only from a rejection, at most once, and overturns to the rejecting stage', () => {
      fc.assert(
        fc.property(orderArb, tapeArb, (order, tape) => {
          const steps = walk(order, tape);
          const requests = steps.filter(({ to }) => to.route.target === 'reexamination');
          expect(requests.length).toBeLessThanOrEqual(1);
          for (const { from, to } of requests) {
            expect(statusOf(from)).toBe('rejected');
            expect(REJECTING_STAGES).toContain(from.stage);
            expect(to.rejectingStage).toBe(from.stage);
          }
          steps.forEach(({ from, to }) => {
            if (from.route.target !== 'reexamination') return;
            expect([{ target: 'end', status: 'rejected' }, { target: from.rejectingStage }]).toContainEqual(
              to.route,
            );
          });
          const last = steps.at(-1)?.to;
          if (last && requests.length && statusOf(last) === 'rejected') {
            expect(step(order, last, 0, 0)).toBeNull();
          }
        }),
      );
    });

    it('a return always reopens the stage it came from', () => {
      fc.assert(
        fc.property(orderArb, tapeArb, (order, tape) => {
          const steps = walk(order, tape);
          steps.forEach(({ from, to }, i) => {
            if (to.route.target !== 'await_supplement') return;
            expect(from.route.target).toBe(to.route.stage);
            const resumed = steps[i + 1]?.to.route;
            if (resumed && resumed.target !== 'end') expect(resumed.target).toBe(to.route.stage);
          });
        }),
      );
    });

    it('exhaustively: the states reachable from the first stage use every edge and no other', () => {
      // Breadth-first over every choice `step` can make, per order; cases are finite, so this terminates.
      const seen = new Map<string, Set<RouteTarget>>();
      for (const order of ORDERS) {
        const queue: Case[] = [START];
        const visited = new Set<string>();
        const routes = new Set<string>();
        while (queue.length) {
          const c = queue.shift()!;
          const key = JSON.stringify(c);
          if (visited.has(key)) continue;
          visited.add(key);
          routes.add(JSON.stringify(c.route));
          for (let choice = 0; choice < 12; choice++) {
            for (const objections of [0, 1]) {
              const next = step(order, c, choice, objections);
              if (!next) continue;
              if (c.route.target !== 'await_supplement') {
                const set = seen.get(c.route.target) ?? new Set();
                seen.set(c.route.target, set.add(next.route.target));
              }
              queue.push(next);
            }
          }
        }
        // Every stage (re-examination included), a return at each stage that offers it, and the three ends.
        expect(routes.size).toBe(STAGES.length + 3 + 3);
      }
      for (const stage of HUMAN_STAGES) {
        expect([...(seen.get(stage) ?? [])].sort()).toEqual(targetsFrom(catalogue, stage).sort());
      }
      expect([...(seen.get('publicity') ?? [])].sort()).toEqual(targetsFromPublicity(catalogue).sort());
      expect([...(seen.get('end') ?? [])]).toEqual(['reexamination']);
    });

    it('approving everything with no objections ends in the procedure’s success after exactly the main line', () => {
      for (const order of ORDERS) {
        const visited: string[] = [];
        let route: Route = { target: FIRST_STAGE };
        while (route.target !== 'end') {
          visited.push(route.target);
          route =
            route.target === 'publicity'
              ? routeAfterPublicity(catalogue, order, 0)
              : routeOf(catalogue, order, route.target as HumanStage, 'approve');
        }
        expect(visited).toEqual(STAGE_ORDERS[order]);
        expect(statusOn(route)).toBe(catalogue.success);
      }
    });
  },
);
