import type { Limit } from './calendar.ts';

/** Where publicity sits: after county approval (default) or right after village review (many counties). */
export type StageOrder = 'standard' | 'publicity_after_village';

/** Per-county limits and options (docs/domain.md §7). A case keeps the policy it started with. */
export interface Policy {
  county: string;
  version: number;
  order: StageOrder;
  limits: {
    village_review: Limit;
    township_verification: Limit;
    county_approval: Limit;
    objection_review: Limit;
    /** 复核: the township re-examines a rejection the applicant contests */
    reexamination: Limit;
    publicity: Limit;
    supplement: Limit;
    wholeIdentification: Limit;
  };
}

export function defaultPolicy(county: string): Policy {
  return {
    county,
    version: 0,
    order: 'standard',
    limits: {
      village_review: { days: 3, unit: 'working' },
      township_verification: { days: 5, unit: 'working' },
      county_approval: { days: 3, unit: 'working' },
      objection_review: { days: 5, unit: 'working' },
      reexamination: { days: 5, unit: 'working' },
      publicity: { days: 5, unit: 'calendar' },
      supplement: { days: 15, unit: 'calendar' },
      wholeIdentification: { days: 15, unit: 'calendar' },
    },
  };
}

/**
 * The policy with every limit present: a policy stored (or snapshotted on a case) before a limit existed takes
 * that limit's default, so a stage added later still gets a due date. Limits the policy has are kept.
 */
export function withDefaultLimits(policy: Policy): Policy {
  return { ...policy, limits: { ...defaultPolicy(policy.county).limits, ...policy.limits } };
}
