import { describe, expect, it } from 'vitest';
import { lognormal, mulberry32, weighted } from '../../bench/seed.ts';

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
