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
  isHumanStage,
  isTerminal,
  type Route,
  type RouteTarget,
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
import { CASE_STATUSES, type DecisionKind, STAGES } from '../../schemas/domain.ts';

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
  ];

  it.each(table)('%s: %s --%s(%s)--> %j', (order, stage, decision, to, expected) => {
    expect(routeOf(order, stage, decision, to)).toEqual(expected);
  });

  it('the table covers every allowed decision and send-back target of every stage in every order', () => {
    const covered = new Set(table.map(([o, s, d, t]) => `${o}/${s}/${d}/${t}`));
    for (const order of ORDERS) {
      for (const stage of HUMAN_STAGES) {
        for (const decision of STAGE_SPECS[stage].decisions) {
          const tos = decision === 'send_back' ? STAGE_SPECS[stage].sendBackTo : [undefined];
          for (const to of tos) expect(covered).toContain(`${order}/${stage}/${decision}/${to}`);
        }
      }
    }
  });

  it('send_back without a target is a programming error', () => {
    expect(() => routeOf('standard', 'county_approval', 'send_back')).toThrow(/target stage/);
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
    expect(routeAfterPublicity(order, n)).toEqual(expected);
  });
});

describe('after (the next stage on the main line)', () => {
  it('walks each main line to enrolment', () => {
    for (const order of ORDERS) {
      const line = STAGE_ORDERS[order];
      line.forEach((stage, i) => {
        expect(afterStage(order, stage)).toEqual(
          i + 1 < line.length ? { target: line[i + 1] } : { target: 'end', status: 'enrolled' },
        );
      });
      // Objection review leaves the line where publicity does.
      expect(afterStage(order, 'objection_review')).toEqual(afterStage(order, 'publicity'));
    }
  });

  it('both orders hold the same stages, starting with village review', () => {
    for (const order of ORDERS) {
      expect(STAGE_ORDERS[order][0]).toBe(FIRST_STAGE);
      expect([...STAGE_ORDERS[order]].sort()).toEqual(STAGES.filter((s) => s !== 'objection_review').sort());
    }
  });
});

describe('the state machine’s edges', () => {
  it.each([
    ['village_review', ['await_supplement', 'end', 'publicity', 'township_verification']],
    ['township_verification', ['await_supplement', 'county_approval', 'end', 'village_review']],
    ['county_approval', ['await_supplement', 'end', 'publicity', 'township_verification']],
    ['objection_review', ['end', 'township_verification', 'village_review']],
  ] as const)('targetsFrom(%s) = %j', (stage, expected) => {
    expect(targetsFrom(stage).sort()).toEqual([...expected]);
  });

  it('targetsFromPublicity covers enrolment, objections and the next stage of either order', () => {
    expect(targetsFromPublicity().sort()).toEqual(['end', 'objection_review', 'township_verification']);
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
    ['publicity_after_village', 'village_review', true],
    ['publicity_after_village', 'publicity', true],
    ['publicity_after_village', 'township_verification', true],
    ['publicity_after_village', 'county_approval', true],
    ['publicity_after_village', 'objection_review', false],
  ] as const)('%s at %s → %s', (order, stage, expected) => {
    expect(beforeCountyDecision(order, stage)).toBe(expected);
  });
});

/**
 * Random walks over the procedure: each step draws one choice from the tape. Human stages take a random
 * allowed decision (validated as the API would), publicity ends with a random objection count, and a
 * return is resolved by a supplement (same stage again) or by the supplement limit running out (WITHDRAWN).
 */
describe('random decision sequences (property)', () => {
  const KNOWN_TARGETS = new Set<RouteTarget>([...STAGES, 'await_supplement', 'end']);
  const RECORD: Partial<Record<HumanStage, unknown>> = {
    village_review: { meetingDate: '2026-11-20', attendees: 10, votesFor: 9, votesAgainst: 1 },
    township_verification: {
      visitDate: '2026-11-24',
      verifiers: ['甲', '乙'],
      verifiedIncomePerCapita: 5000,
      confirmedRiskTypes: ['illness'],
      findings: '属实',
    },
  };

  interface Step {
    from: Route;
    to: Route;
  }

  /** One step from `route`, or null when the case has ended. */
  function step(order: StageOrder, route: Route, choice: number, objections: number): Route | null {
    if (route.target === 'end') return null;
    if (route.target === 'await_supplement') {
      return choice % 4 === 0 ? { target: 'end', status: 'withdrawn' } : { target: route.stage };
    }
    if (route.target === 'publicity') return routeAfterPublicity(order, objections);
    const stage = route.target;
    const spec = STAGE_SPECS[stage];
    const decision = spec.decisions[choice % spec.decisions.length]!;
    const to = decision === 'send_back' ? spec.sendBackTo[choice % spec.sendBackTo.length] : undefined;
    const raw: Record<string, unknown> = { decision };
    if (decision === 'reject' || decision === 'send_back') raw.reason = '理由';
    if (decision === 'return') raw.missing = ['材料'];
    if (to) raw.to = to;
    if ((decision === 'approve' || decision === 'reject') && RECORD[stage]) raw.details = RECORD[stage];
    validateDecision(stage, decisionBodySchema.parse(raw));
    return routeOf(order, stage, decision, to);
  }

  function walk(order: StageOrder, tape: readonly [number, number][]): Step[] {
    const steps: Step[] = [];
    let route: Route = { target: FIRST_STAGE };
    for (const [choice, objections] of tape) {
      const next = step(order, route, choice, objections);
      if (!next) break;
      steps.push({ from: route, to: next });
      route = next;
    }
    return steps;
  }

  const orderArb = fc.constantFrom(...ORDERS);
  const tapeArb = fc.array(fc.tuple(fc.nat(1000), fc.nat(3)), { minLength: 1, maxLength: 80 });

  it('never reaches an undefined state, and every move is an edge of the state machine', () => {
    fc.assert(
      fc.property(orderArb, tapeArb, (order, tape) => {
        for (const { from, to } of walk(order, tape)) {
          expect(KNOWN_TARGETS).toContain(to.target);
          expect(CASE_STATUSES).toContain(statusOn(to));
          if (to.target === 'await_supplement') expect(isHumanStage(to.stage)).toBe(true);
          if (from.target === 'publicity') expect(targetsFromPublicity()).toContain(to.target);
          else if (from.target === 'await_supplement') {
            expect([from.stage, 'end']).toContain(to.target);
          } else if (from.target !== 'end') {
            expect(targetsFrom(from.target)).toContain(to.target);
          }
        }
      }),
    );
  });

  it('the status is terminal exactly at end, and nothing follows a terminal status', () => {
    fc.assert(
      fc.property(orderArb, tapeArb, (order, tape) => {
        const steps = walk(order, tape);
        steps.forEach(({ to }, i) => {
          const terminal = isTerminal(statusOn(to));
          expect(terminal).toBe(to.target === 'end');
          if (terminal) expect(i).toBe(steps.length - 1);
        });
        const last = steps.at(-1)?.to;
        if (last && last.target === 'end') {
          expect(step(order, last, 0, 0)).toBeNull();
          expect(step(order, last, 1, 1)).toBeNull();
        }
      }),
    );
  });

  it('a return always reopens the stage it came from', () => {
    fc.assert(
      fc.property(orderArb, tapeArb, (order, tape) => {
        const steps = walk(order, tape);
        steps.forEach(({ from, to }, i) => {
          if (to.target !== 'await_supplement') return;
          expect(from.target).toBe(to.stage);
          const resumed = steps[i + 1]?.to;
          if (resumed && resumed.target !== 'end') expect(resumed.target).toBe(to.stage);
        });
      }),
    );
  });

  it('exhaustively: the states reachable from the first stage use every edge and no other', () => {
    // Breadth-first over every choice `step` can make, per order; routes are finite, so this terminates.
    const seen = new Map<string, Set<RouteTarget>>();
    for (const order of ORDERS) {
      const queue: Route[] = [{ target: FIRST_STAGE }];
      const visited = new Set<string>();
      while (queue.length) {
        const route = queue.shift()!;
        const key = JSON.stringify(route);
        if (visited.has(key)) continue;
        visited.add(key);
        for (let choice = 0; choice < 12; choice++) {
          for (const objections of [0, 1]) {
            const next = step(order, route, choice, objections);
            if (!next) continue;
            if (route.target !== 'await_supplement') {
              const set = seen.get(route.target) ?? new Set();
              seen.set(route.target, set.add(next.target));
            }
            queue.push(next);
          }
        }
      }
      // Every stage, a return at each stage that offers it, and the three ends.
      expect(visited.size).toBe(STAGES.length + 3 + 3);
    }
    for (const stage of HUMAN_STAGES) {
      expect([...(seen.get(stage) ?? [])].sort()).toEqual(targetsFrom(stage).sort());
    }
    expect([...(seen.get('publicity') ?? [])].sort()).toEqual(targetsFromPublicity().sort());
  });

  it('approving everything with no objections enrols the household after exactly the main line', () => {
    for (const order of ORDERS) {
      const visited: string[] = [];
      let route: Route = { target: FIRST_STAGE };
      while (route.target !== 'end') {
        visited.push(route.target);
        route =
          route.target === 'publicity'
            ? routeAfterPublicity(order, 0)
            : routeOf(order, route.target as HumanStage, 'approve');
      }
      expect(visited).toEqual(STAGE_ORDERS[order]);
      expect(statusOn(route)).toBe('enrolled');
    }
  });
});
