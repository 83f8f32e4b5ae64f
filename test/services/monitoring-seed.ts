/**
 * Moves a filed case on through the store as the procedures would: enrolment (the identification workflow's
 * last step) and risk elimination (the second procedure, not built yet): status, dates, guards and an audit
 * record in one case transaction.
 */

import { toIso } from '../../functions/core/time.ts';
import { SYSTEM } from '../../functions/services/cases.ts';
import { heldGuards } from '../../functions/store/case.ts';
import type { ServiceWorld } from './support.ts';

/** The case enrolled at `atMs`, as publicity's close records it. */
export async function enrol(w: ServiceWorld, caseId: string, atMs: number): Promise<void> {
  const c = (await w.store.getCase(caseId))!;
  const at = toIso(atMs);
  await w.store.apply({
    before: c,
    set: {
      status: 'enrolled',
      stage: 'publicity',
      enrolledAt: at,
      closedAt: at,
      route: { target: 'end', status: 'enrolled' },
    },
    remove: ['openTaskId'],
    audit: { at, actor: SYSTEM, action: 'enrolled', stage: 'publicity' },
  });
}

/** The enrolled case's risk eliminated at `atMs`: its people's guards released, so they may be identified again. */
export async function eliminateRisk(w: ServiceWorld, caseId: string, atMs: number): Promise<void> {
  const c = (await w.store.getCase(caseId))!;
  const at = toIso(atMs);
  await w.store.apply({
    before: c,
    set: { status: 'risk_eliminated', riskEliminatedAt: at },
    audit: { at, actor: SYSTEM, action: 'risk_eliminated' },
    releaseGuards: heldGuards(c),
  });
}
