import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Scheduler, startScheduler } from '../../local/scheduler.ts';

const HOURLY = {
  logicalId: 'TimingSamplesSchedule',
  expression: 'rate(1 hour)',
  functionLogicalId: 'TimingSamplesFunction',
  input: { job: 'timing-samples' },
};

describe('local scheduler', () => {
  let scheduler: Scheduler | undefined;
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(async () => {
    await scheduler?.stop();
    vi.useRealTimers();
  });

  /** A scheduler whose function answers at once, counting its runs. */
  function started(timeScale: number) {
    const runs: unknown[] = [];
    scheduler = startScheduler({
      schedules: [HOURLY],
      invoke: async (_fn, input) => void runs.push(input),
      timeScale,
      timers: true,
      log: () => {},
    });
    return runs;
  }

  it('runs a schedule at start, then once per period on the simulated clock', async () => {
    // Arrange: 60 simulated seconds per real second, so an hour is a real minute
    const runs = started(60);

    // Act
    await vi.advanceTimersByTimeAsync(3 * 60_000);

    // Assert
    expect(runs).toEqual([HOURLY.input, HOURLY.input, HOURLY.input, HOURLY.input]);
  });

  it('re-arms its timers when the scale changes', async () => {
    // Arrange: real time, so the hourly run is an hour away
    const runs = started(1);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(runs).toHaveLength(1);

    // Act: 3600 simulated seconds per real second, an hour a real second (runs stay a real minute apart)
    scheduler!.retime(3600);
    await vi.advanceTimersByTimeAsync(2 * 60_000);

    // Assert
    expect(runs).toHaveLength(3);
  });

  it('refuses at start a schedule it cannot serve, naming it', () => {
    expect(() =>
      startScheduler({
        schedules: [{ ...HOURLY, expression: 'cron(0 * * * ? *)' }],
        invoke: async () => undefined,
        timeScale: 1,
        timers: false,
        log: () => {},
      }),
    ).toThrow(/cron\(0 \* \* \* \? \*\).*rate\(N unit\) only/);
  });
});
