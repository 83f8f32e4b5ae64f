import type { CaseStatus } from '../../schemas/domain.ts';
import { type CaseItem, heldGuards } from '../store/case.ts';
import type { StoredGuard } from '../store/guard.ts';
import { keys } from '../store/keys.ts';
import type { Store } from '../store/store.ts';

/**
 * Statuses whose case holds its people's guards: in flight, in error (not ended: an administrator repairs it),
 * or enrolled (the household stays under monitoring). Rejected, withdrawn and risk-eliminated cases hold none.
 */
const HOLDING: ReadonlySet<CaseStatus> = new Set(['open', 'returned', 'error', 'enrolled']);

/** Why a guard is removed. */
export type StaleReason = 'case_missing' | 'case_ended' | 'not_listed';

export interface GuardRepairReport {
  /** guards read */
  guards: number;
  /** guards removed, by why */
  released: Record<StaleReason, number>;
  /** guards taken for people a live case lists but nobody held (added by a supplement that claimed none) */
  claimed: number;
  /** cases stored before guards were recorded that now record the ones they hold */
  recorded: number;
  /** people a live case lists whose guard another case holds: two open cases, for an administrator to settle */
  shared: { caseId: string; heldBy: string }[];
  /** cases that changed while the repair looked at them: left alone, run the repair again */
  skipped: string[];
  /** with `dryRun`, nothing was written: the figures say what would be */
  dryRun: boolean;
}

/** Why a case may not hold the guard at `pk`, or undefined when it rightly does. */
function staleness(c: CaseItem | undefined, pk: string): StaleReason | undefined {
  if (!c) return 'case_missing';
  if (!HOLDING.has(c.status)) return 'case_ended';
  const listed = heldGuards(c).some((id) => keys.householdGuard(id).pk === pk);
  return listed ? undefined : 'not_listed';
}

/**
 * The one-off repair of the person guards ("one person, one open case") that versions before guards were
 * recorded on the case could leave wrong. A guard whose case is gone or ended, or whose case no longer lists the
 * person (dropped by a supplement), is removed; a person a live case lists whom nobody holds (added by a
 * supplement) is claimed for it; a live case without a record of its guards records the ones it holds. People
 * two open cases list are reported, not guessed at. Reads every guard from `guards` (the script's Scan,
 * scripts/guard-scan.ts: this is no request path), then repairs case by case, each in one transaction conditioned on the case's version: a case that moves
 * meanwhile is skipped, never half-done. Safe to run again: a second run finds nothing to do.
 */
export async function repairGuards(
  store: Store,
  guards: AsyncIterable<StoredGuard>,
  opts: { dryRun?: boolean } = {},
): Promise<GuardRepairReport> {
  const byCase = new Map<string, StoredGuard[]>();
  const owner = new Map<string, string>();
  for await (const g of guards) {
    byCase.set(g.caseId, [...(byCase.get(g.caseId) ?? []), g]);
    owner.set(g.pk, g.caseId);
  }
  const report: GuardRepairReport = {
    guards: owner.size,
    released: { case_missing: 0, case_ended: 0, not_listed: 0 },
    claimed: 0,
    recorded: 0,
    shared: [],
    skipped: [],
    dryRun: opts.dryRun ?? false,
  };
  // Live cases are found through their guards: each holds at least its head's (a supplement never drops the head).
  for (const [caseId, owned] of byCase) {
    const c = await store.getCase(caseId);
    const stale = owned.flatMap((g) => {
      const reason = staleness(c, g.pk);
      return reason ? [{ g, reason }] : [];
    });
    const live = c && HOLDING.has(c.status);
    const mine: string[] = [];
    const claim: string[] = [];
    for (const id of live ? heldGuards(c) : []) {
      const pk = keys.householdGuard(id).pk;
      const holder = owner.get(pk);
      if (holder === caseId) mine.push(id);
      else if (holder === undefined) {
        claim.push(pk);
        mine.push(id);
      } else report.shared.push({ caseId, heldBy: holder });
    }
    const guards = live && !c.guards ? mine : undefined;
    if (!stale.length && !claim.length && !guards) continue;
    const done =
      report.dryRun ||
      (await store.repairGuards(caseId, c?.version, { release: stale.map((s) => s.g), claim, guards }));
    if (!done) {
      report.skipped.push(caseId);
      continue;
    }
    for (const s of stale) report.released[s.reason]++;
    report.claimed += claim.length;
    if (guards) report.recorded++;
  }
  return report;
}
