import { beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../functions/core/errors.ts';
import { DAY_MS } from '../../functions/core/time.ts';
import { auditTrail, caseWithTimeline, fileApplication, listCases } from '../../functions/services/cases.ts';
import { addMeasure, listMeasures, setContact, updateMeasure } from '../../functions/services/measures.ts';
import { overdueTasks } from '../../functions/services/reports.ts';
import type { MeasureBody } from '../../schemas/measure.ts';
import { validHousehold } from '../support/fixtures.ts';
import { enrol } from './monitoring-seed.ts';
import { type ServiceWorld, serviceWorld, user } from './support.ts';

let w: ServiceWorld;
let n = 0;
beforeEach(async () => {
  w = await serviceWorld('2026-11-02T09:00:00.000+08:00');
});

const measure = (over: Partial<MeasureBody> = {}): MeasureBody => ({
  type: 'employment',
  description: '推荐到县工业园区务工',
  responsibleCadre: { name: '王干部', phone: '13900139000' },
  plannedAt: '2026-11-20',
  targetMember: '李四',
  ...over,
});

async function filed() {
  return fileApplication(w.deps, user('village'), {
    procedure: 'identification',
    household: validHousehold(6100 + n++),
  });
}

async function enrolledCase() {
  const { caseId } = await filed();
  await enrol(w, caseId, w.clock.ms);
  return caseId;
}

const failure = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(DomainError);
  const d = e as DomainError;
  return { code: d.code, details: d.details };
};

describe('measures on an enrolled case', () => {
  it('a village reviewer plans one, the township implements it: each change on the chain, the plan on the case', async () => {
    // Arrange
    const caseId = await enrolledCase();

    // Act
    const added = await addMeasure(w.deps, user('village'), caseId, measure());
    const done = await updateMeasure(w.deps, user('township'), caseId, added.measureId, {
      status: 'implemented',
      implementedAt: '2026-11-02',
      effect: '已上岗，月收入约3000元',
      expectedVersion: added.version,
    });

    // Assert
    expect(added).toMatchObject({ status: 'planned', version: 1, overdue: false, targetMember: '李四' });
    expect(done).toMatchObject({ status: 'implemented', implementedAt: '2026-11-02', version: 2 });
    // the demo applicant did not file this case: it is outside their scope, measures included
    expect((await failure(listMeasures(w.deps, user('applicant'), caseId))).code).toBe('not_found');
    const asCounty = await listMeasures(w.deps, user('county'), caseId);
    expect(asCounty.items).toEqual([done]);
    const detail = await caseWithTimeline(w.deps, user('county'), caseId);
    expect(detail.measuresSummary).toEqual({ planned: 0, implemented: 1, cancelled: 0, overdue: 0 });
    expect(detail.timeline.map((r) => r.action).slice(-2)).toEqual(['measure_added', 'measure_updated']);
    const trail = await auditTrail(w.deps, user('auditor'), caseId);
    expect(trail.chain.valid).toBe(true);
  });

  it('a stale expectedVersion is a 409 measure_version and writes nothing', async () => {
    const caseId = await enrolledCase();
    const added = await addMeasure(w.deps, user('village'), caseId, measure());
    await updateMeasure(w.deps, user('village'), caseId, added.measureId, {
      effect: '进展顺利',
      expectedVersion: 1,
    });
    const before = await w.store.getCase(caseId);

    const stale = await failure(
      updateMeasure(w.deps, user('village'), caseId, added.measureId, {
        status: 'cancelled',
        reason: '重复',
        expectedVersion: 1,
      }),
    );

    expect(stale).toEqual({
      code: 'conflict',
      details: [expect.objectContaining({ path: 'expectedVersion', rule: 'measure_version' })],
    });
    expect((await w.store.getCase(caseId))?.version).toBe(before?.version);
    expect((await w.store.measuresOfCase(caseId))[0]).toMatchObject({ status: 'planned', version: 2 });
  });

  it('a case that is not enrolled is a 409 enrolled, with nothing written', async () => {
    const { caseId } = await filed();
    const before = await w.store.getCase(caseId);

    const refused = await failure(addMeasure(w.deps, user('village'), caseId, measure()));
    const contact = await failure(
      setContact(w.deps, user('village'), caseId, {
        name: '赵六',
        unit: '县农业农村局',
        phone: '13700137000',
      }),
    );

    expect(refused).toEqual({ code: 'conflict', details: [expect.objectContaining({ rule: 'enrolled' })] });
    expect(contact.details[0]?.rule).toBe('enrolled');
    expect(await w.store.measuresOfCase(caseId)).toEqual([]);
    expect((await w.store.getCase(caseId))?.version).toBe(before?.version);
  });

  it('only village and township reviewers of the jurisdiction write: the county 403, another township 404', async () => {
    const caseId = await enrolledCase();

    expect((await failure(addMeasure(w.deps, user('county'), caseId, measure()))).code).toBe('forbidden');
    expect((await failure(addMeasure(w.deps, user('auditor'), caseId, measure()))).code).toBe('forbidden');
    expect((await failure(addMeasure(w.deps, user('township2'), caseId, measure()))).code).toBe('not_found');
    expect((await failure(listMeasures(w.deps, user('village2'), caseId))).code).toBe('not_found');
  });

  it('a target who is not in the household is a 400 household_member', async () => {
    const caseId = await enrolledCase();

    const bad = await failure(
      addMeasure(w.deps, user('village'), caseId, measure({ targetMember: '不认识' })),
    );

    expect(bad).toEqual({
      code: 'invalid_input',
      details: [expect.objectContaining({ path: 'targetMember', rule: 'household_member' })],
    });
  });
});

describe('overdue measures', () => {
  it('past its planned day a planned measure is overdue in the case, its list and the overdue report; implemented, it leaves', async () => {
    // Arrange
    const caseId = await enrolledCase();
    const m = await addMeasure(w.deps, user('village'), caseId, measure({ plannedAt: '2026-11-05' }));
    await addMeasure(w.deps, user('village'), caseId, measure({ plannedAt: '2026-12-30' }));

    // Act: the planned day passes
    w.clock.ms += 5 * DAY_MS;

    // Assert
    const listed = await listMeasures(w.deps, user('village'), caseId);
    expect(listed.items.map((x) => x.overdue)).toEqual([true, false]);
    const detail = await caseWithTimeline(w.deps, user('village'), caseId);
    expect(detail.measuresSummary).toMatchObject({ planned: 2, overdue: 1 });
    const report = await overdueTasks(w.deps, user('township'), {
      kind: 'measures',
      procedure: 'identification',
      limit: 20,
    });
    expect(report.items).toEqual([
      expect.objectContaining({
        measureId: m.measureId,
        caseId,
        daysOver: 2,
        overdue: true,
        township: '611002100',
      }),
    ]);
    const other = await overdueTasks(w.deps, user('township2'), {
      kind: 'measures',
      procedure: 'identification',
      limit: 20,
    });
    expect(other.items).toEqual([]);

    await updateMeasure(w.deps, user('village'), caseId, m.measureId, {
      status: 'implemented',
      implementedAt: '2026-11-06',
      expectedVersion: 1,
    });
    const after = await overdueTasks(w.deps, user('township'), {
      kind: 'measures',
      procedure: 'identification',
      limit: 20,
    });
    expect(after.items).toEqual([]);
    expect((await caseWithTimeline(w.deps, user('village'), caseId)).measuresSummary).toMatchObject({
      planned: 1,
      implemented: 1,
      overdue: 0,
    });
  });
});

describe('the assistance contact', () => {
  it('one at a time: in full on the case, masked in lists and on the trail, the one replaced recorded', async () => {
    // Arrange
    const caseId = await enrolledCase();

    // Act
    await setContact(w.deps, user('village'), caseId, {
      name: '赵六',
      unit: '县农业农村局',
      phone: '13700137000',
    });
    await setContact(w.deps, user('township'), caseId, {
      name: '钱七',
      unit: '镇政府',
      phone: '13600136000',
    });

    // Assert
    const detail = await caseWithTimeline(w.deps, user('county'), caseId);
    expect(detail.contact).toMatchObject({ name: '钱七', unit: '镇政府', phone: '13600136000' });
    const list = await listCases(w.deps, user('county'), { limit: 20 });
    expect(list.items.find((c) => c.caseId === caseId)?.contact?.phone).toBe('136****6000');
    const trail = await auditTrail(w.deps, user('auditor'), caseId);
    const last = trail.records.at(-1)!;
    expect(last.action).toBe('contact_set');
    expect(last.data).toMatchObject({
      contact: { name: '钱七', phone: '136****6000' },
      previous: { name: '赵六', phone: '137****7000' },
    });
    expect(JSON.stringify(trail.records)).not.toContain('13700137000');
    expect(trail.chain.valid).toBe(true);
  });
});
