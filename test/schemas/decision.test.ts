import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { issuesToDetails } from '../../functions/core/decisions.ts';
import { IDENTIFICATION } from '../../functions/core/procedure.ts';
import {
  decisionBodySchema,
  townshipVerificationDetailsSchema,
  villageReviewDetailsSchema,
} from '../../schemas/decision.ts';

/** `{path, rule}` of every issue, as the API's error details name them. */
function detailsOf(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input);
  expect(result.success).toBe(false);
  return issuesToDetails(result.error!.issues).map(({ path, rule }) => ({ path, rule }));
}

const meeting = { meetingDate: '2026-11-20', attendees: 23, votesFor: 20, votesAgainst: 2 };
const visit = {
  visitDate: '2026-11-24',
  verifiers: ['王强', '刘芳'],
  verifiedIncomePerCapita: 5900,
  confirmedRiskTypes: ['illness'],
  findings: '入户核实属实。',
};

describe('decisionBodySchema', () => {
  it.each([
    { decision: 'approve' },
    { decision: 'approve', comment: '同意', details: meeting },
    { decision: 'reject', reason: '收入超过监测范围' },
    { decision: 'return', missing: ['医疗费用票据'] },
    { decision: 'send_back', to: 'village_review', reason: '民主评议记录不全' },
    { decision: 'uphold' },
    { decision: 'dismiss', comment: '异议不成立' },
  ])('accepts %j', (body) => {
    expect(decisionBodySchema.safeParse(body).success).toBe(true);
  });

  it('defaults the comment to an empty string', () => {
    expect(decisionBodySchema.parse({ decision: 'approve' }).comment).toBe('');
  });

  it.each([
    ['unknown decision', { decision: 'maybe' }, [{ path: 'decision', rule: 'invalid_value' }]],
    ['reject without reason', { decision: 'reject' }, [{ path: 'reason', rule: 'required' }]],
    [
      'reject with a blank reason',
      { decision: 'reject', reason: '  ' },
      [{ path: 'reason', rule: 'too_small' }],
    ],
    ['return without missing', { decision: 'return' }, [{ path: 'missing', rule: 'required' }]],
    [
      'return with an empty missing list',
      { decision: 'return', missing: [] },
      [{ path: 'missing', rule: 'too_small' }],
    ],
    [
      'send_back without to or reason',
      { decision: 'send_back' },
      [
        { path: 'to', rule: 'required' },
        { path: 'reason', rule: 'required' },
      ],
    ],
    [
      'send_back without to',
      { decision: 'send_back', reason: '核实不充分' },
      [{ path: 'to', rule: 'required' }],
    ],
    [
      'send_back to an unknown stage',
      { decision: 'send_back', to: 'province', reason: 'x' },
      [{ path: 'to', rule: 'invalid_value' }],
    ],
    ['an extra key', { decision: 'approve', urgent: true }, [{ path: 'urgent', rule: 'unknown_field' }]],
  ])('rejects %s', (_label, body, expected) => {
    expect(detailsOf(decisionBodySchema, body)).toEqual(expected);
  });

  it('leaves details to the stage check (any value passes the body schema)', () => {
    expect(decisionBodySchema.parse({ decision: 'approve', details: 'anything' }).details).toBe('anything');
  });
});

describe('villageReviewDetailsSchema', () => {
  it('accepts a meeting whose votes are at most the attendees', () => {
    expect(villageReviewDetailsSchema.safeParse(meeting).success).toBe(true);
    expect(villageReviewDetailsSchema.safeParse({ ...meeting, votesFor: 21, votesAgainst: 2 }).success).toBe(
      true,
    );
  });

  it.each([
    [
      'votes exceeding attendees',
      { ...meeting, votesFor: 22, votesAgainst: 2 },
      { path: 'votesFor', rule: 'votes_within_attendees' },
    ],
    [
      'no attendees',
      { ...meeting, attendees: 0, votesFor: 0, votesAgainst: 0 },
      { path: 'attendees', rule: 'too_small' },
    ],
    ['fractional attendees', { ...meeting, attendees: 22.5 }, { path: 'attendees', rule: 'invalid_type' }],
    ['negative votes', { ...meeting, votesAgainst: -1 }, { path: 'votesAgainst', rule: 'too_small' }],
    [
      'an impossible date',
      { ...meeting, meetingDate: '2026-02-30' },
      { path: 'meetingDate', rule: 'invalid_format' },
    ],
    [
      'a date-time instead of a date',
      { ...meeting, meetingDate: '2026-11-20T09:00:00+08:00' },
      { path: 'meetingDate', rule: 'invalid_format' },
    ],
    ['an extra key', { ...meeting, chair: '村支书' }, { path: 'chair', rule: 'unknown_field' }],
  ])('rejects %s', (_label, details, expected) => {
    expect(detailsOf(villageReviewDetailsSchema, details)).toContainEqual(expected);
  });
});

describe('townshipVerificationDetailsSchema', () => {
  it('accepts a home visit by two verifiers', () => {
    expect(townshipVerificationDetailsSchema.safeParse(visit).success).toBe(true);
  });

  it.each([
    ['one verifier', { ...visit, verifiers: ['王强'] }, { path: 'verifiers', rule: 'min_verifiers' }],
    ['no verifiers', { ...visit, verifiers: [] }, { path: 'verifiers', rule: 'min_verifiers' }],
    [
      'a blank verifier name',
      { ...visit, verifiers: ['王强', ' '] },
      { path: 'verifiers[1]', rule: 'too_small' },
    ],
    [
      'no confirmed risk types',
      { ...visit, confirmedRiskTypes: [] },
      { path: 'confirmedRiskTypes', rule: 'too_small' },
    ],
    [
      'an unknown risk type',
      { ...visit, confirmedRiskTypes: ['luck'] },
      { path: 'confirmedRiskTypes[0]', rule: 'invalid_value' },
    ],
    [
      'negative income',
      { ...visit, verifiedIncomePerCapita: -5 },
      { path: 'verifiedIncomePerCapita', rule: 'too_small' },
    ],
    ['blank findings', { ...visit, findings: '' }, { path: 'findings', rule: 'too_small' }],
    ['an extra key', { ...visit, photos: [] }, { path: 'photos', rule: 'unknown_field' }],
  ])('rejects %s', (_label, details, expected) => {
    expect(detailsOf(townshipVerificationDetailsSchema, details)).toContainEqual(expected);
  });
});

describe('the identification catalogue’s details', () => {
  it('has a record for village review and township verification only', () => {
    expect(Object.keys(IDENTIFICATION.details).sort()).toEqual(['township_verification', 'village_review']);
  });
});
