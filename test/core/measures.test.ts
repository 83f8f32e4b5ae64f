import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../functions/core/errors.ts';
import {
  assertAcceptsMeasures,
  assertTargetsMember,
  isMeasureOverdue,
  type MeasureState,
  patchedMeasure,
  planOf,
  summaryOf,
} from '../../functions/core/measures.ts';
import { MEASURE_STATUSES } from '../../schemas/measure.ts';

const planned: MeasureState = { status: 'planned', plannedAt: '2026-11-10', version: 1 };
const today = '2026-11-12';
const detailOf = (f: () => unknown) => {
  try {
    f();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return { code: (e as DomainError).code, ...(e as DomainError).details[0] };
  }
};

describe('patchedMeasure', () => {
  it('planned → implemented with its date, and the note kept', () => {
    const out = patchedMeasure(
      planned,
      { status: 'implemented', implementedAt: '2026-11-11', effect: '已落实', expectedVersion: 1 },
      today,
    );
    expect(out).toMatchObject({ status: 'implemented', implementedAt: '2026-11-11', effect: '已落实' });
  });

  it('planned → cancelled keeps the reason', () => {
    expect(
      patchedMeasure(planned, { status: 'cancelled', reason: '已享受同类政策', expectedVersion: 1 }, today),
    ).toMatchObject({ status: 'cancelled', cancelReason: '已享受同类政策' });
  });

  it('a stale version is a 409 measure_version; a final measure a 409 measure_state', () => {
    expect(detailOf(() => patchedMeasure(planned, { effect: 'x', expectedVersion: 2 }, today))).toMatchObject(
      {
        code: 'conflict',
        path: 'expectedVersion',
        rule: 'measure_version',
      },
    );
    const done = { ...planned, status: 'implemented' as const, version: 2 };
    expect(
      detailOf(() => patchedMeasure(done, { status: 'cancelled', reason: 'r', expectedVersion: 2 }, today)),
    ).toMatchObject({ code: 'conflict', rule: 'measure_state' });
    const cancelled = { ...planned, status: 'cancelled' as const, version: 2 };
    expect(
      detailOf(() => patchedMeasure(cancelled, { effect: 'x', expectedVersion: 2 }, today)),
    ).toMatchObject({
      code: 'conflict',
      rule: 'measure_state',
    });
  });

  it('an implemented date after today is a 400 not_in_future', () => {
    expect(
      detailOf(() =>
        patchedMeasure(
          planned,
          { status: 'implemented', implementedAt: '2026-11-13', expectedVersion: 1 },
          today,
        ),
      ),
    ).toMatchObject({ code: 'invalid_input', path: 'implementedAt', rule: 'not_in_future' });
  });
});

describe('overdue and the plan', () => {
  it('a planned measure is overdue from the day after its planned day, never once implemented', () => {
    expect(isMeasureOverdue(planned, '2026-11-10')).toBe(false);
    expect(isMeasureOverdue(planned, '2026-11-11')).toBe(true);
    expect(isMeasureOverdue({ ...planned, status: 'implemented' }, '2027-01-01')).toBe(false);
  });

  it('property: the summary counts every measure once, and overdue ones are the planned ones past their day', () => {
    const measureArb = fc.record({
      status: fc.constantFrom(...MEASURE_STATUSES),
      plannedAt: fc.constantFrom('2026-11-01', '2026-11-10', '2026-11-20'),
      implementedAt: fc.constantFrom('2026-10-01', '2026-11-05'),
    });
    fc.assert(
      fc.property(fc.array(measureArb, { maxLength: 20 }), (measures) => {
        const summary = summaryOf(planOf(measures), today);
        expect(summary.planned + summary.implemented + summary.cancelled).toBe(measures.length);
        expect(summary.overdue).toBe(measures.filter((m) => isMeasureOverdue(m, today)).length);
        const first = planOf(measures).firstImplementedAt;
        const implemented = measures.filter((m) => m.status === 'implemented').map((m) => m.implementedAt);
        expect(first).toBe(implemented.length ? implemented.sort()[0] : undefined);
      }),
    );
  });

  it('no plan reads as zeros', () => {
    expect(summaryOf(undefined, today)).toEqual({ planned: 0, implemented: 0, cancelled: 0, overdue: 0 });
  });
});

describe('who and where', () => {
  it('only an enrolled case takes measures (409 enrolled)', () => {
    expect(detailOf(() => assertAcceptsMeasures('enrolled'))).toBeUndefined();
    for (const status of ['open', 'returned', 'rejected', 'withdrawn', 'risk_eliminated', 'error'] as const) {
      expect(detailOf(() => assertAcceptsMeasures(status))).toMatchObject({
        code: 'conflict',
        rule: 'enrolled',
      });
    }
  });

  it('a target names the head or a member', () => {
    const h = { head: { name: '张三' }, members: [{ name: '李四' }] };
    expect(detailOf(() => assertTargetsMember('李四', h))).toBeUndefined();
    expect(detailOf(() => assertTargetsMember('张三', h))).toBeUndefined();
    expect(detailOf(() => assertTargetsMember('王五', h))).toMatchObject({
      path: 'targetMember',
      rule: 'household_member',
    });
  });
});
