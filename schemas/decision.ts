import { z } from 'zod';
import { atLeast, isoDateSchema } from './common.ts';
import {
  type DecisionKind,
  decisionKindSchema,
  RISK_TYPES,
  riskTypeSchema,
  type Stage,
  stageSchema,
} from './domain.ts';

/** The most people one home visit names as verifiers (at least two are required). */
export const MAX_VERIFIERS = 20;

export const villageReviewDetailsSchema = z
  .strictObject({
    meetingDate: isoDateSchema,
    attendees: z.int().min(1).max(10_000),
    votesFor: z.int().min(0).max(10_000),
    votesAgainst: z.int().min(0).max(10_000),
  })
  .refine((d) => d.votesFor + d.votesAgainst <= d.attendees, {
    path: ['votesFor'],
    message: 'votes for + against exceed attendees',
    params: { rule: 'votes_within_attendees' },
  });

export const townshipVerificationDetailsSchema = z.strictObject({
  visitDate: isoDateSchema,
  verifiers: atLeast(
    z.string().trim().min(1).max(50),
    { min: 2, max: MAX_VERIFIERS },
    'min_verifiers',
    'a home visit needs at least two verifiers',
  ),
  verifiedIncomePerCapita: z.number().nonnegative().max(10_000_000),
  confirmedRiskTypes: z.array(riskTypeSchema).min(1).max(RISK_TYPES.length),
  findings: z.string().trim().min(1).max(4000),
});

/**
 * The home visit of a risk-elimination proposal (风险消除入户核实): at least two verifiers, the income they verified,
 * and their confirmation that the proposal's evidence (income, stable months, 两不愁三保障, safe water) holds.
 */
export const proposalVerificationDetailsSchema = z.strictObject({
  visitDate: isoDateSchema,
  verifiers: townshipVerificationDetailsSchema.shape.verifiers,
  verifiedIncomePerCapita: z.number().nonnegative().max(10_000_000),
  evidenceConfirmed: z.literal(true, { error: 'the verifiers confirm the evidence (true)' }),
  findings: z.string().trim().min(1).max(4000),
});

/**
 * Text fields a decision must carry at a stage beyond the body's own rules (a `comment` must then be non-empty).
 * At re-examination (复核) the applicant is told why the rejection falls, and why it stands.
 */
export const requiredTextByStage: Partial<
  Record<Stage, Partial<Record<DecisionKind, readonly ('comment' | 'reason')[]>>>
> = {
  reexamination: { uphold: ['comment', 'reason'], overturn: ['comment'] },
};

/** `POST /api/tasks/{taskId}/decision` body before stage-specific checks. */
export const decisionBodySchema = z
  .strictObject({
    decision: decisionKindSchema,
    comment: z.string().trim().max(4000).default(''),
    reason: z.string().trim().min(1).max(2000).optional(),
    missing: z.array(z.string().trim().min(1).max(200)).min(1).max(50).optional(),
    to: stageSchema.optional(),
    details: z.unknown().optional(),
  })
  // Runs even when other fields failed (`when`), so one response names every bad field.
  .check(
    z.superRefine(
      (body: Record<string, unknown> | undefined, ctx) => {
        const b = body ?? {};
        const need = (field: 'reason' | 'missing' | 'to') => {
          if (b[field] === undefined) {
            ctx.addIssue({
              code: 'custom',
              path: [field],
              message: `required when decision is ${String(b.decision)}`,
              params: { rule: 'required' },
            });
          }
        };
        if (b.decision === 'reject') need('reason');
        if (b.decision === 'return') need('missing');
        if (b.decision === 'send_back') {
          need('to');
          need('reason');
        }
      },
      { when: () => true },
    ),
  );
export type DecisionBody = z.infer<typeof decisionBodySchema>;
