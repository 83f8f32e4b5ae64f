/**
 * Assistance measures (帮扶措施) and the assistance contact (帮扶责任人) of an enrolled case. Every change is one
 * case transaction: the measure (or the contact on the case item), the plan's counts on the case, and the
 * audit record on the case's chain, conditioned on the case's version (and the measure's), so nothing is ever
 * half-written and of two changes read at the same version one wins.
 */
import type {
  ContactBody,
  ContactView,
  MeasureBody,
  MeasurePatch,
  MeasureView,
} from '../../schemas/measure.ts';
import type { User } from '../../schemas/records.ts';
import { assertCanWriteMeasures } from '../core/access.ts';
import { notFound } from '../core/errors.ts';
import { assertAcceptsMeasures, assertTargetsMember, patchedMeasure, planOf } from '../core/measures.ts';
import { localDate, toIso } from '../core/time.ts';
import type { CaseItem } from '../store/case.ts';
import type { MeasureItem } from '../store/measure.ts';
import { actorOf, visibleCase } from './cases.ts';
import type { Deps } from './deps.ts';
import { retryOnStaleVersion } from './retry.ts';
import { contactView, measureView } from './views.ts';

/** The measures of a case the caller may read, oldest first, each flagged overdue on the county's today. */
export async function listMeasures(
  deps: Deps,
  user: User,
  caseId: string,
): Promise<{ items: MeasureView[] }> {
  await visibleCase(deps, user, caseId);
  const today = localDate(deps.clock.now());
  return { items: (await deps.store.measuresOfCase(caseId)).map((m) => measureView(m, today)) };
}

/** A case the caller may write measures on, enrolled (409 otherwise). */
async function writableCase(deps: Deps, user: User, caseId: string): Promise<CaseItem> {
  const c = await visibleCase(deps, user, caseId);
  assertCanWriteMeasures(user, { villageCode: c.villageCode, applicantSub: c.applicant.sub });
  assertAcceptsMeasures(c.status);
  return c;
}

/** Adds a planned measure to an enrolled case. */
export function addMeasure(deps: Deps, user: User, caseId: string, body: MeasureBody): Promise<MeasureView> {
  return retryOnStaleVersion(async () => {
    const c = await writableCase(deps, user, caseId);
    assertTargetsMember(body.targetMember, c.household);
    const now = deps.clock.now();
    const at = toIso(now);
    const measure: MeasureItem = {
      measureId: deps.newId('msr'),
      caseId,
      villageCode: c.villageCode,
      ...body,
      status: 'planned',
      createdAt: at,
      createdBy: actorOf(user),
      updatedAt: at,
      version: 1,
    };
    const others = await deps.store.measuresOfCase(caseId);
    await deps.store.apply({
      before: c,
      set: { measurePlan: planOf([...others, measure]) },
      audit: {
        at,
        actor: actorOf(user),
        action: 'measure_added',
        data: { measureId: measure.measureId, type: body.type, plannedAt: body.plannedAt },
      },
      putMeasure: measure,
    });
    return measureView(measure, localDate(now));
  });
}

/**
 * Changes a measure at the version the caller read: implemented (with its date) or cancelled (with a reason),
 * or an effect note. A stale `expectedVersion` is a 409 `measure_version`.
 */
export function updateMeasure(
  deps: Deps,
  user: User,
  caseId: string,
  measureId: string,
  patch: MeasurePatch,
): Promise<MeasureView> {
  return retryOnStaleVersion(async () => {
    const c = await writableCase(deps, user, caseId);
    const measures = await deps.store.measuresOfCase(caseId);
    const before = measures.find((m) => m.measureId === measureId);
    if (!before) throw notFound('measure');
    const now = deps.clock.now();
    const at = toIso(now);
    const today = localDate(now);
    const after: MeasureItem = {
      ...patchedMeasure(before, patch, today),
      updatedAt: at,
      version: before.version + 1,
    };
    await deps.store.apply({
      before: c,
      set: { measurePlan: planOf(measures.map((m) => (m.measureId === measureId ? after : m))) },
      audit: {
        at,
        actor: actorOf(user),
        action: 'measure_updated',
        ...(patch.reason ? { comment: patch.reason } : {}),
        data: {
          measureId,
          version: after.version,
          ...(patch.status ? { status: patch.status } : {}),
          ...(patch.implementedAt ? { implementedAt: patch.implementedAt } : {}),
          ...(patch.effect ? { effect: patch.effect } : {}),
        },
      },
      updateMeasure: { before, after },
    });
    return measureView(after, today);
  });
}

/**
 * Sets the case's assistance contact (one at a time): the change and the contact it replaces are on the trail,
 * the phone masked there (the trail is exported); the case shows it in full to those who read the case.
 */
export function setContact(deps: Deps, user: User, caseId: string, body: ContactBody): Promise<ContactView> {
  return retryOnStaleVersion(async () => {
    const c = await writableCase(deps, user, caseId);
    const at = toIso(deps.clock.now());
    const contact: ContactView = { ...body, since: at, setBy: actorOf(user) };
    await deps.store.apply({
      before: c,
      set: { contact },
      audit: {
        at,
        actor: actorOf(user),
        action: 'contact_set',
        data: {
          contact: contactView(contact, { fullPhone: false }),
          ...(c.contact ? { previous: contactView(c.contact, { fullPhone: false }) } : {}),
        },
      },
    });
    return contact;
  });
}
