import type { ObjectionBody, ObjectionView } from '../../schemas/objection.ts';
import type { User } from '../../schemas/records.ts';
import { assertCanRecordObjection } from '../core/access.ts';
import { conflict } from '../core/errors.ts';
import { parseIso, toIso } from '../core/time.ts';
import type { CaseItem } from '../store/case.ts';
import type { ObjectionItem } from '../store/objection.ts';
import { actorOf, visibleCase } from './cases.ts';
import type { Deps } from './deps.ts';
import { retryOnStaleVersion } from './retry.ts';
import { objectionView } from './views.ts';

/** Is the case's publicity period running now (started, not yet ended or closed)? */
export function inPublicity(c: CaseItem, now: number): boolean {
  return (
    c.status === 'open' &&
    c.stage === 'publicity' &&
    c.route.target === 'publicity' &&
    c.publicityEndsAt !== undefined &&
    now < parseIso(c.publicityEndsAt)
  );
}

/**
 * Records an objection during publicity: the objection and its audit record in one transaction conditioned on
 * the case version, so an objection either lands before publicity closes (and is counted) or is refused. The
 * trail names the objection only: who objected, and what they said, stay off the case's timeline.
 */
export function fileObjection(
  deps: Deps,
  user: User,
  caseId: string,
  body: ObjectionBody,
): Promise<ObjectionView> {
  return retryOnStaleVersion(async () => {
    const c = await visibleCase(deps, user, caseId);
    assertCanRecordObjection(user);
    const now = deps.clock.now();
    if (!inPublicity(c, now)) {
      throw conflict('objections are accepted only while the case is in publicity', [
        { path: 'case.stage', rule: 'in_publicity' },
      ]);
    }
    const at = toIso(now);
    const objection: ObjectionItem = {
      objectionId: deps.newId('obj'),
      caseId,
      status: 'open',
      objector: body.objector,
      content: body.content,
      filedAt: at,
      filedBy: actorOf(user),
    };
    await deps.store.apply({
      before: c,
      audit: {
        at,
        actor: actorOf(user),
        action: 'objection_filed',
        stage: 'publicity',
        data: { objectionId: objection.objectionId },
      },
      putObjection: objection,
    });
    return objectionView(objection);
  });
}
