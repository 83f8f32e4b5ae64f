import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { issuesToDetails, validateDecision } from '../../functions/core/decisions.ts';
import { DomainError } from '../../functions/core/errors.ts';
import type { VillageVoteRule } from '../../functions/core/policy.ts';
import { HUMAN_STAGES, type HumanStage, STAGE_SPECS } from '../../functions/core/procedure.ts';
import { applicationSchema } from '../../schemas/application.ts';
import { type DecisionBody, decisionBodySchema } from '../../schemas/decision.ts';
import { DECISIONS, type DecisionKind } from '../../schemas/domain.ts';

const meeting = { meetingDate: '2026-11-20', attendees: 23, votesFor: 20, votesAgainst: 2 };
const visit = {
  visitDate: '2026-11-24',
  verifiers: ['王强', '刘芳'],
  verifiedIncomePerCapita: 5900,
  confirmedRiskTypes: ['illness'],
  findings: '  入户核实属实。 ',
};
const RECORD_BY_STAGE: Partial<Record<HumanStage, unknown>> = {
  village_review: meeting,
  township_verification: visit,
};

/** A decision body as the API hands it to core: already through the body schema. */
const body = (raw: Record<string, unknown>) => decisionBodySchema.parse(raw);

/** A body that passes the body schema for `decision`, with the stage's record where it needs one. */
function wellFormed(stage: HumanStage, decision: DecisionKind) {
  const raw: Record<string, unknown> = { decision };
  if (decision === 'reject') raw.reason = '不符合条件';
  if (decision === 'return') raw.missing = ['收入证明'];
  if (decision === 'send_back')
    Object.assign(raw, { to: STAGE_SPECS[stage].sendBackTo[0] ?? 'village_review', reason: '退回' });
  if ((decision === 'approve' || decision === 'reject') && RECORD_BY_STAGE[stage])
    raw.details = RECORD_BY_STAGE[stage];
  // re-examination (复核) states its grounds: a comment, and why a rejection stands
  if (stage === 'reexamination') Object.assign(raw, { comment: '复核意见', reason: '维持原驳回' });
  return body(raw);
}

/** The DomainError `fn` throws. */
function thrown(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

const rulesOf = (error: DomainError) => error.details.map(({ path, rule }) => ({ path, rule }));

describe('validateDecision', () => {
  describe('re-examination states its grounds', () => {
    it.each([
      ['uphold', ['comment', 'reason']],
      ['overturn', ['comment']],
    ] as const)('%s without them is refused naming %j as required', (decision, fields) => {
      const error = thrown(() => validateDecision('reexamination', body({ decision })));
      expect(rulesOf(error)).toEqual(fields.map((path) => ({ path, rule: 'required' })));
    });

    it('objection review still upholds without a comment or reason (contract v1)', () => {
      expect(() => validateDecision('objection_review', body({ decision: 'uphold' }))).not.toThrow();
    });
  });

  describe('which decisions a stage offers', () => {
    const combos = HUMAN_STAGES.flatMap((stage) => DECISIONS.map((decision) => [stage, decision] as const));

    it.each(combos.filter(([s, d]) => STAGE_SPECS[s].decisions.includes(d)))(
      '%s accepts %s',
      (stage, decision) => {
        expect(() => validateDecision(stage, wellFormed(stage, decision))).not.toThrow();
      },
    );

    it.each(combos.filter(([s, d]) => !STAGE_SPECS[s].decisions.includes(d)))(
      '%s refuses %s as not allowed at the stage',
      (stage, decision) => {
        const error = thrown(() => validateDecision(stage, wellFormed(stage, decision)));
        expect(error.code).toBe('invalid_input');
        expect(rulesOf(error)).toContainEqual({ path: 'decision', rule: 'allowed_at_stage' });
      },
    );

    it('offers exactly the catalogue’s decisions', () => {
      expect(STAGE_SPECS.village_review.decisions).toEqual(['approve', 'reject', 'return']);
      expect(STAGE_SPECS.township_verification.decisions).toEqual([
        'approve',
        'reject',
        'return',
        'send_back',
      ]);
      expect(STAGE_SPECS.county_approval.decisions).toEqual(['approve', 'reject', 'return', 'send_back']);
      expect(STAGE_SPECS.objection_review.decisions).toEqual(['uphold', 'dismiss']);
    });
  });

  describe('send_back targets an allowed earlier stage', () => {
    it.each([
      ['township_verification', 'village_review'],
      ['county_approval', 'township_verification'],
    ] as const)('%s may send back to %s', (stage, to) => {
      expect(() =>
        validateDecision(stage, body({ decision: 'send_back', to, reason: '退回' })),
      ).not.toThrow();
    });

    it.each([
      ['township_verification', 'township_verification'],
      ['township_verification', 'county_approval'],
      ['township_verification', 'publicity'],
      ['township_verification', 'objection_review'],
      ['county_approval', 'county_approval'],
      ['county_approval', 'village_review'],
      ['county_approval', 'publicity'],
    ] as const)('%s may not send back to %s', (stage, to) => {
      const error = thrown(() =>
        validateDecision(stage, body({ decision: 'send_back', to, reason: '退回' })),
      );
      expect(rulesOf(error)).toEqual([{ path: 'to', rule: 'earlier_stage' }]);
    });

    it('village review cannot send back at all, and says both why', () => {
      const error = thrown(() =>
        validateDecision(
          'village_review',
          body({ decision: 'send_back', to: 'village_review', reason: '退回' }),
        ),
      );
      expect(rulesOf(error)).toEqual([
        { path: 'decision', rule: 'allowed_at_stage' },
        { path: 'to', rule: 'earlier_stage' },
      ]);
      expect(error.details[1]!.message).toBe('village_review cannot send back');
    });
  });

  describe('the stage record (details)', () => {
    it.each([
      ['village_review', 'approve'],
      ['village_review', 'reject'],
      ['township_verification', 'approve'],
      ['township_verification', 'reject'],
    ] as const)('%s needs details to %s', (stage, decision) => {
      const raw = { ...wellFormed(stage, decision), details: undefined };
      const error = thrown(() => validateDecision(stage, raw));
      expect(rulesOf(error)).toEqual([{ path: 'details', rule: 'required' }]);
    });

    it.each(['village_review', 'township_verification'] as const)(
      '%s returns to the applicant without details',
      (stage) => {
        expect(
          validateDecision(stage, body({ decision: 'return', missing: ['户口本复印件'] })),
        ).toBeUndefined();
      },
    );

    it('township verification sends back without details', () => {
      const result = validateDecision(
        'township_verification',
        body({ decision: 'send_back', to: 'village_review', reason: '评议票数与到会人数不符' }),
      );
      expect(result).toBeUndefined();
    });

    it('returns the parsed record (strings trimmed)', () => {
      const parsed = validateDecision(
        'township_verification',
        wellFormed('township_verification', 'approve'),
      );
      expect(parsed).toEqual({ ...visit, findings: '入户核实属实。' });
    });

    it('validates details given with a return, too', () => {
      const error = thrown(() =>
        validateDecision(
          'village_review',
          body({ decision: 'return', missing: ['x'], details: { ...meeting, attendees: 1 } }),
        ),
      );
      expect(rulesOf(error)).toEqual([{ path: 'details.votesFor', rule: 'votes_within_attendees' }]);
    });

    it('names bad detail fields under details.', () => {
      const error = thrown(() =>
        validateDecision(
          'township_verification',
          body({
            decision: 'approve',
            details: { ...visit, verifiers: ['王强'], confirmedRiskTypes: ['luck'] },
          }),
        ),
      );
      expect(rulesOf(error)).toEqual([
        { path: 'details.verifiers', rule: 'min_verifiers' },
        { path: 'details.confirmedRiskTypes[0]', rule: 'invalid_value' },
      ]);
    });

    it('reports a record of the wrong stage as bad fields', () => {
      const error = thrown(() =>
        validateDecision('village_review', body({ decision: 'approve', details: visit })),
      );
      expect(rulesOf(error)).toEqual(
        expect.arrayContaining([
          { path: 'details.meetingDate', rule: 'invalid_type' },
          { path: 'details.visitDate', rule: 'unknown_field' },
        ]),
      );
    });

    it.each([
      ['county_approval', 'approve'],
      ['county_approval', 'reject'],
      ['county_approval', 'return'],
      ['objection_review', 'uphold'],
      ['objection_review', 'dismiss'],
    ] as const)('%s takes no details, even with %s', (stage, decision) => {
      const raw = { ...wellFormed(stage, decision), details: meeting };
      const error = thrown(() => validateDecision(stage, raw));
      expect(rulesOf(error)).toEqual([{ path: 'details', rule: 'not_allowed' }]);
    });

    it.each(['county_approval', 'objection_review'] as const)('%s approves without details', (stage) => {
      const decision = stage === 'objection_review' ? 'dismiss' : 'approve';
      expect(validateDecision(stage, body({ decision }))).toBeUndefined();
    });
  });

  it('reports every problem at once', () => {
    const error = thrown(() =>
      validateDecision(
        'county_approval',
        body({ decision: 'send_back', to: 'village_review', reason: 'x', details: {} }),
      ),
    );
    expect(rulesOf(error)).toEqual([
      { path: 'to', rule: 'earlier_stage' },
      { path: 'details', rule: 'not_allowed' },
    ]);
  });
});

describe('issuesToDetails', () => {
  it('formats nested paths as household.members[1].idNumber', () => {
    // Arrange: a real parse failure deep in the body.
    const result = applicationSchema.safeParse({
      procedure: 'identification',
      household: {
        head: { name: '张建国', idNumber: '611002198001010010', phone: '13800138000' },
        members: [
          { name: '李秀兰', idNumber: '11010519491231002X', relation: '配偶', ableToWork: true },
          { name: '张小明', idNumber: '440524201001010019', relation: '子女', ableToWork: false },
        ],
        villageCode: '611002100201',
        address: '三组',
        annualNetIncomePerCapita: 6000,
        category: 'edge_easily_poor',
        riskTypes: ['illness'],
        narrative: 'n',
        source: 'self_declared',
      },
    });
    // Act
    const details = issuesToDetails(result.error!.issues);
    // Assert
    expect(details).toEqual([
      {
        path: 'household.members[1].idNumber',
        rule: 'resident_id_check_digit',
        message: 'GB 11643 check digit does not match',
      },
    ]);
  });

  const issue = (path: PropertyKey[], extra: Record<string, unknown> = {}) =>
    ({ code: 'custom', path, message: 'm', input: undefined, ...extra }) as z.core.$ZodIssue;

  it.each([
    [[], [], '(body)'],
    [['a'], [], 'a'],
    [[0], [], '[0]'],
    [[0, 'a', 2, 3], [], '[0].a[2][3]'],
    [['votesFor'], ['details'], 'details.votesFor'],
    [[2], ['members'], 'members[2]'],
    [[], ['details'], 'details'],
  ] as [PropertyKey[], PropertyKey[], string][])('path %j with prefix %j → %s', (path, prefix, expected) => {
    expect(issuesToDetails([issue(path)], prefix)[0]!.path).toBe(expected);
  });

  it('takes the rule from params.rule, else the issue code', () => {
    expect(issuesToDetails([issue(['x'], { params: { rule: 'my_rule' } })])[0]!.rule).toBe('my_rule');
    expect(issuesToDetails([issue(['x'], { params: { rule: 42 } })])[0]!.rule).toBe('custom');
    expect(issuesToDetails([issue(['x'])])[0]).toEqual({ path: 'x', rule: 'custom', message: 'm' });
  });
});

describe('a village approval needs its meeting’s votes to carry it (county rule)', () => {
  const meeting = (attendees: number, votesFor: number, votesAgainst: number) =>
    body({ decision: 'approve', details: { meetingDate: '2026-11-03', attendees, votesFor, votesAgainst } });
  const outcomeOf = (rule: VillageVoteRule | undefined, b: DecisionBody) => {
    try {
      validateDecision('village_review', b, rule);
      return 'carried';
    } catch (e) {
      return (e as DomainError).details.map((d) => `${d.path}:${d.rule}`).join(',');
    }
  };

  it.each([
    // attendees, for, against, majority_of_cast (default), majority_of_attendees, two_thirds_of_cast
    [30, 16, 14, 'carried', 'carried', 'details.votesFor:majority'],
    [30, 14, 14, 'details.votesFor:majority', 'details.votesFor:majority', 'details.votesFor:majority'],
    [30, 12, 3, 'carried', 'details.votesFor:majority', 'carried'],
    [30, 10, 5, 'carried', 'details.votesFor:majority', 'carried'],
    [30, 9, 5, 'carried', 'details.votesFor:majority', 'details.votesFor:majority'],
    [30, 0, 0, 'details.votesFor:majority', 'details.votesFor:majority', 'details.votesFor:majority'],
  ] as const)(
    '%i present, %i for, %i against → %s · %s · %s',
    (attendees, votesFor, against, cast, present, twoThirds) => {
      const b = meeting(attendees, votesFor, against);

      expect(outcomeOf(undefined, b)).toBe(cast);
      expect(outcomeOf('majority_of_cast', b)).toBe(cast);
      expect(outcomeOf('majority_of_attendees', b)).toBe(present);
      expect(outcomeOf('two_thirds_of_cast', b)).toBe(twoThirds);
    },
  );

  it('judges only approvals: a rejection may carry any votes', () => {
    const b = { ...meeting(30, 3, 20), decision: 'reject' as const, reason: '收入高于监测标准' };

    expect(() => validateDecision('village_review', b, 'majority_of_cast')).not.toThrow();
  });
});
