import { z } from 'zod';
import { atLeast, isoDateSchema, phoneSchema, residentIdSchema, villageCodeSchema } from './common.ts';
import { categorySchema, procedureSchema, RISK_TYPES, riskTypeSchema, sourceSchema } from './domain.ts';

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

/** `POST /api/cases` body (contract v1). */
export const applicationSchema = z.strictObject({
  procedure: procedureSchema,
  household: householdSchema,
  /** the day the risk was found (YYYY-MM-DD, county time; default the filing day): the SLA counts from it */
  riskFoundAt: isoDateSchema.optional(),
});
export type Application = z.infer<typeof applicationSchema>;

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
