import { describe, expect, it } from 'vitest';
import { lognormal, mulberry32, SEED_COUNTY, seedCounty, weighted } from '../../bench/seed.ts';
import { Store } from '../../functions/store/store.ts';
import { freshTable } from '../support/ddb.ts';

describe('seed distributions', () => {
  it('mulberry32 repeats its sequence for the same seed and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const draws = Array.from({ length: 1000 }, () => a());

    expect(draws).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
  });

  it('lognormal draws have the median asked for', () => {
    const rng = mulberry32(7);

    const sorted = Array.from({ length: 20_001 }, () => lognormal(rng, 36, 0.8)).sort((x, y) => x - y);

    expect(sorted[10_000]).toBeGreaterThan(36 * 0.95);
    expect(sorted[10_000]).toBeLessThan(36 * 1.05);
  });

  it('weighted picks each choice in proportion to its weight', () => {
    const rng = mulberry32(3);
    const counts = { a: 0, b: 0, c: 0 };

    for (let i = 0; i < 20_000; i++) {
      counts[weighted(rng, { a: 70, b: 20, c: 10 })]++;
    }

    expect(counts.a / 20_000).toBeCloseTo(0.7, 1);
    expect(counts.b / 20_000).toBeCloseTo(0.2, 1);
    expect(counts.c / 20_000).toBeCloseTo(0.1, 1);
  });
});

describe('a seeded county', () => {
  it('holds open cases whose route plans the task that is open, as the services write it', async () => {
    // Arrange
    const t = await freshTable('seed');
    const store = new Store(t.doc, t.tableName);
    const now = Date.parse('2026-11-20T10:00:00+08:00');

    // Act
    await seedCounty({
      store,
      cases: 60,
      now,
      stateMachineArn: 'arn:aws:states:cn-northwest-1:0:stateMachine:x',
    });

    // Assert: every case in a human stage names its open task in its route, and one in publicity its end
    const open = await Promise.all((await store.inFlightCases([SEED_COUNTY])).map((id) => store.getCase(id)));
    const inStage = open.filter((c) => c?.status === 'open' && c.stage !== 'publicity');
    expect(inStage.length).toBeGreaterThan(0);
    for (const c of inStage) {
      const task = (await store.getTask(c!.openTaskId!))!;
      expect(c!.route).toEqual({
        target: c!.stage,
        task: {
          taskId: task.taskId,
          openedAt: task.openedAt,
          dueAt: task.dueAt,
          escalateAt: task.escalateAt,
        },
      });
    }
    for (const c of open.filter((c) => c?.stage === 'publicity')) {
      expect(c!.route).toEqual({ target: 'publicity', endsAt: c!.publicityEndsAt });
    }
  });
});
