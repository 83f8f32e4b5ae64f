import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dueOfEscalation,
  ESCALATION_SPREAD_MS,
  escalationAt,
  escalationOffsetMs,
} from '../../functions/core/escalation.ts';

const MIDNIGHT = Date.parse('2026-11-10T00:00:00+08:00');

describe('escalation spread', () => {
  it('escalates a task within the first hour after its due date, always at the same instant', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (taskId) => {
        const at = escalationAt(taskId, MIDNIGHT);
        expect(at - MIDNIGHT).toBeGreaterThanOrEqual(0);
        expect(at - MIDNIGHT).toBeLessThan(ESCALATION_SPREAD_MS);
        expect(escalationAt(taskId, MIDNIGHT)).toBe(at);
        expect(dueOfEscalation(taskId, at)).toBe(MIDNIGHT);
      }),
    );
  });

  it('spreads 10,000 tasks due at the same midnight over the hour instead of one second', () => {
    // Arrange
    const ids = Array.from({ length: 10_000 }, (_, i) => `task_${i.toString(16).padStart(20, '0')}`);

    // Act
    const perMinute = new Array(60).fill(0);
    const perSecond = new Map<number, number>();
    for (const id of ids) {
      const offset = escalationOffsetMs(id);
      perMinute[Math.floor(offset / 60_000)]++;
      const s = Math.floor(offset / 1000);
      perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
    }

    // Assert: every minute gets a share near 1/60 (167), no second more than a handful
    expect(Math.min(...perMinute)).toBeGreaterThan(100);
    expect(Math.max(...perMinute)).toBeLessThan(250);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(15);
  });
});
