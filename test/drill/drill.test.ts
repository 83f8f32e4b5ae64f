import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, parseFaults } from '../../local/faults.ts';
import { ALL_FAULTS, faultDrill, fuzzDrill, invariantsOf, killDrill } from './drills.ts';

describe('the drill fault switch', () => {
  it('is off by default, names every kind it knows, and refuses a bad spec or a Lambda environment', () => {
    expect(parseFaults(undefined)).toBeNull();
    expect(parseFaults('')).toBeNull();
    expect(() => parseFaults('disk-full:0.1')).toThrow(/unknown fault "disk-full"/);
    expect(() => parseFaults('ddb-throttle:2')).toThrow(/probability/);
    expect(() => parseFaults(ALL_FAULTS, 1, { AWS_LAMBDA_FUNCTION_NAME: 'cases' })).toThrow(/refused/);
    expect(Object.keys(parseFaults(ALL_FAULTS)!.injected)).toEqual([...FAULT_KINDS]);
  });

  it('lives in the local runtime only: no module that runs on AWS mentions it', async () => {
    const files = (await readdir('functions', { recursive: true })).filter((f) => f.endsWith('.ts'));
    const sources = await Promise.all(files.map((f) => readFile(join('functions', f), 'utf8')));

    expect(files.length).toBeGreaterThan(20);
    expect(files.filter((_, i) => /FAULTS|local\/faults|ddb-proxy/.test(sources[i]!))).toEqual([]);
  });

  it('replays: the same seed injects the same faults in the same order', () => {
    const rolls = (seed: number) => {
      const faults = parseFaults(ALL_FAULTS, seed)!;
      return Array.from({ length: 200 }, (_, i) => faults.roll(FAULT_KINDS[i % 4]!));
    };
    expect(rolls(7)).toEqual(rolls(7));
    expect(rolls(7)).not.toEqual(rolls(8));
    expect(rolls(7).filter(Boolean).length).toBeGreaterThan(0);
  });
});

describe('drills (short form of npm run drill)', () => {
  it('every fault kind while cases are driven: every fault fires, every invariant holds, and the checker sees a stranded case', async () => {
    let probe: Awaited<ReturnType<typeof invariantsOf>> | undefined;
    const result = await faultDrill({
      cases: 16,
      seed: 3,
      faults: 'step-crash-after-write:0.2,ddb-throttle:0.05,callback-duplicate:0.3,callback-late:0.2',
      inspect: async (rt) => {
        // Arrange a stranded case (its execution gone) and a lone execution, and the checker must name both.
        // A task's execution if one waits, else one in its publicity Wait: either leaves its case stranded.
        const { waiting, running } = rt.engine.activity();
        const open = waiting[0] ?? running[0];
        if (!open) throw new Error('no execution in flight to strand');
        await rt.engine.stopExecution(open, 'Drill', 'probe');
        probe = await invariantsOf(rt);
      },
    });

    expect(result.violations).toEqual([]);
    expect(result.drive.filed).toBe(16);
    for (const kind of ['step-crash-after-write', 'callback-duplicate', 'callback-late'] as const) {
      expect(result.faultsInjected[kind], kind).toBeGreaterThan(0);
    }
    expect(probe!.violations.map((v) => v.rule)).toContain('stranded');
  }, 600_000);

  it('kill -9 of the whole runtime mid-run: no JVM survives, the restart resumes every case, the clock never runs back', async () => {
    const result = await killDrill({ cases: 10, killAfter: 5, seed: 5 });

    expect(result.jvmSurvived).toBe(0);
    expect(result.clockBackwardsMs).toBe(0);
    expect(result.violations).toEqual([]);
    expect(result.cases).toBeGreaterThanOrEqual(5 - result.acknowledgedLost);
  }, 900_000);

  it('HTTP fuzz of every route and role: no 5xx, small contract-shaped errors, no write behind an error', async () => {
    const report = await fuzzDrill({ runsPerRoute: 150, seed: 11 });

    expect(report.routes).toBeGreaterThan(20);
    expect(report.findings.slice(0, 5)).toEqual([]);
    expect(Object.keys(report.byStatus).some((s) => s.startsWith('2'))).toBe(true);
  }, 600_000);
});
