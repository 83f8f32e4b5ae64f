import { z } from 'zod';
import { atLeast, isoDateSchema, phoneSchema, residentIdSchema, villageCodeSchema } from './common.ts';
import { categorySchema, RISK_TYPES, riskTypeSchema, sourceSchema } from './domain.ts';

const nameSchema = z.string().trim().min(1).max(50);

/** The relation of the member who is the head (docs/domain.md §4: the household as its 户口簿 lists it). */
export const SELF = 'self';

export const memberSchema = z.strictObject({
  name: nameSchema,
  idNumber: residentIdSchema,
  relation: z.string().trim().min(1).max(20),
  health: z.string().trim().max(200).default(''),
  disability: z.string().trim().max(200).default(''),
  schooling: z.string().trim().max(100).default(''),
  ableToWork: z.boolean(),
});
export type Member = z.infer<typeof memberSchema>;

export const householdSchema = z
  .strictObject({
    head: z.strictObject({ name: nameSchema, idNumber: residentIdSchema, phone: phoneSchema }),
    members: z.array(memberSchema).max(30).default([]),
    villageCode: villageCodeSchema,
    address: z.string().trim().min(1).max(200),
    annualNetIncomePerCapita: z.number().nonnegative().max(10_000_000),
    category: categorySchema,
    riskTypes: atLeast(
      riskTypeSchema,
      { min: 1, max: RISK_TYPES.length },
      'min_items',
      'at least one risk type',
    ),
    narrative: z.string().trim().min(1).max(4000),
    source: sourceSchema,
    /** why a household whose income lies above the year's monitoring line is still at risk (heavy rigid spending) */
    justification: z.string().trim().min(1).max(2000).optional(),
  })
  // Runs even when other fields failed (`when`), so one response names every bad field; hence the guards.
  .check(
    z.superRefine(
      (
        h:
          | { head?: { idNumber?: unknown; name?: unknown }; members?: unknown; riskTypes?: unknown }
          | undefined,
        ctx,
      ) => {
        const issue = (path: PropertyKey[], rule: string, message: string) =>
          ctx.addIssue({ code: 'custom', path, message, params: { rule } });
        const head = h?.head;
        const seen = new Map<unknown, string>();
        (Array.isArray(h?.members) ? h.members : []).forEach(
          (m: { idNumber?: unknown; name?: unknown; relation?: unknown }, i) => {
            if (typeof m?.idNumber !== 'string') return;
            // The 户口簿 lists the head too: as `self`, the same person as `head`.
            if (m.relation === SELF) {
              if (m.idNumber !== head?.idNumber)
                issue(
                  ['members', i, 'idNumber'],
                  'self_is_head',
                  'the `self` member is the head: use head.idNumber',
                );
              if (m.name !== head?.name)
                issue(['members', i, 'name'], 'self_is_head', 'the `self` member is the head: use head.name');
            } else if (m.idNumber === head?.idNumber) {
              issue(
                ['members', i, 'idNumber'],
                'unique_id_number',
                'same ID number as head.idNumber (the head is listed with relation `self`)',
              );
            }
            if (seen.has(m.idNumber)) {
              issue(
                ['members', i, 'idNumber'],
                'unique_id_number',
                `same ID number as ${seen.get(m.idNumber)}`,
              );
            } else seen.set(m.idNumber, `members[${i}].idNumber`);
          },
        );
        if (Array.isArray(h?.riskTypes) && new Set(h.riskTypes).size !== h.riskTypes.length) {
          issue(['riskTypes'], 'unique_items', 'risk types repeat');
        }
      },
      { when: () => true },
    ),
  );
export type Household = z.infer<typeof householdSchema>;

/** `POST /api/cases` body of an identification application (contract v1). */
export const applicationSchema = z.strictObject({
  procedure: z.literal('identification'),
  household: householdSchema,
  /** the day the risk was found (YYYY-MM-DD, county time; default the filing day): the SLA counts from it */
  riskFoundAt: isoDateSchema.optional(),
});
export type Application = z.infer<typeof applicationSchema>;

/** The fewest months of stable income a risk-elimination proposal may claim (稳定收入6个月以上). */
export const MIN_STABLE_INCOME_MONTHS = 6;

/**
 * What a risk-elimination proposal rests on (contract v1.2): the household's per-capita net income over the last
 * 12 months, how many of them brought a stable income, 两不愁三保障 and safe drinking water secured, a narrative.
 */
export const evidenceSchema = z.strictObject({
  incomePerCapita12m: z.number().nonnegative().max(10_000_000),
  stableIncomeMonths: z
    .int()
    .max(12)
    .refine((n) => n >= MIN_STABLE_INCOME_MONTHS, {
      message: `at least ${MIN_STABLE_INCOME_MONTHS} months of stable income`,
      params: { rule: 'min_stable_months' },
    }),
  twoAssurancesThreeGuarantees: z.literal(true, { error: '两不愁三保障 must be secured (true)' }),
  safeDrinkingWater: z.literal(true, { error: 'safe drinking water must be secured (true)' }),
  narrative: z.string().trim().min(1).max(4000),
});
export type Evidence = z.infer<typeof evidenceSchema>;

/** `POST /api/cases` body of a risk-elimination proposal (风险消除, contract v1.2) for an enrolled case. */
export const proposalSchema = z.strictObject({
  procedure: z.literal('risk_elimination'),
  enrolledCaseId: z.string().min(1).max(100),
  evidence: evidenceSchema,
});
export type Proposal = z.infer<typeof proposalSchema>;

/** `POST /api/cases`: an identification application or a risk-elimination proposal, by `procedure`. */
export const caseFilingSchema = z.discriminatedUnion('procedure', [applicationSchema, proposalSchema]);
export type CaseFiling = z.infer<typeof caseFilingSchema>;

/** `POST /api/cases/{caseId}/supplements`: a note, and optionally corrected household fields. */
export const supplementSchema = z.strictObject({
  note: z.string().trim().min(1).max(4000),
  household: z
    .strictObject({
      address: z.string().trim().min(1).max(200),
      annualNetIncomePerCapita: z.number().nonnegative().max(10_000_000),
      riskTypes: z.array(riskTypeSchema).min(1).max(RISK_TYPES.length),
      narrative: z.string().trim().min(1).max(4000),
      justification: z.string().trim().min(1).max(2000),
      members: z.array(memberSchema).max(30),
    })
    .partial()
    .optional(),
});
export type Supplement = z.infer<typeof supplementSchema>;

export const withdrawSchema = z.strictObject({ reason: z.string().trim().min(1).max(2000) });
export type Withdrawal = z.infer<typeof withdrawSchema>;
