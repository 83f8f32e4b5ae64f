/**
 * The local runtime's EventBridge Scheduler: each schedule of the synthesized app invokes its function with its
 * input, on the simulated clock, as AWS would. Only `rate(…)` expressions are served (the app's schedules use
 * nothing else; a cron or one-off schedule fails the start, naming it). A run never overlaps the previous one of
 * its schedule, and at a high TIME_SCALE runs are at least MIN_REAL_GAP_MS apart in real time, so a job that
 * reads a county's records cannot crowd out the API.
 */
import type { ResolvedSchedule } from './template.ts';

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
/** The least real time between two runs of one schedule. */
const MIN_REAL_GAP_MS = 60_000;

/** The period of a `rate(N unit)` expression, in ms. */
export function ratePeriodMs(expression: string): number {
  const m = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (!m) throw new Error(`schedule expression ${expression}: the local scheduler serves rate(N unit) only`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

export interface SchedulerOptions {
  schedules: readonly ResolvedSchedule[];
  invoke: (functionLogicalId: string, input: unknown) => Promise<unknown>;
  /** simulated seconds per real second */
  timeScale: number;
  /** run every schedule when started and then on its rate; without it, runs happen only through runAll() */
  timers: boolean;
  log: (line: string) => void;
}

export interface Scheduler {
  /** Runs every schedule now (after any run of it in progress) and resolves with each function's answer. */
  runAll(): Promise<Record<string, unknown>>;
  /** Re-arms the schedules' timers for a new scale of the simulated clock. */
  retime(timeScale: number): void;
  stop(): Promise<void>;
}

export function startScheduler(opts: SchedulerOptions): Scheduler {
  /** each schedule's latest run: the next waits for it, so runs of one schedule never overlap */
  const latest = new Map<string, Promise<unknown>>();
  /** schedules whose timer run is still going: their next tick is skipped, never queued */
  const ticking = new Set<string>();
  const timers = new Map<string, NodeJS.Timeout>();
  let stopped = false;
  const run = (s: ResolvedSchedule): Promise<unknown> => {
    const next = (latest.get(s.logicalId) ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => opts.invoke(s.functionLogicalId, s.input));
    latest.set(s.logicalId, next);
    return next;
  };
  const tick = (s: ResolvedSchedule) => {
    if (stopped || ticking.has(s.logicalId)) return;
    ticking.add(s.logicalId);
    run(s)
      .catch((e: unknown) => opts.log(`schedule ${s.logicalId} failed: ${(e as Error).message}`))
      .finally(() => ticking.delete(s.logicalId));
  };
  // a schedule the local scheduler cannot serve fails the start, with or without timers
  const periods = opts.schedules.map((s) => [s, ratePeriodMs(s.expression)] as const);
  const arm = (timeScale: number) => {
    for (const [s, period] of periods) {
      clearInterval(timers.get(s.logicalId));
      const timer = setInterval(() => tick(s), Math.max(MIN_REAL_GAP_MS, period / timeScale));
      timer.unref();
      timers.set(s.logicalId, timer);
    }
  };
  if (opts.timers) {
    for (const s of opts.schedules) tick(s);
    arm(opts.timeScale);
  }
  return {
    retime(timeScale) {
      if (opts.timers && !stopped) arm(timeScale);
    },
    async runAll() {
      const out = await Promise.all(opts.schedules.map(async (s) => [s.logicalId, await run(s)] as const));
      return Object.fromEntries(out);
    },
    async stop() {
      stopped = true;
      for (const t of timers.values()) clearInterval(t);
      await Promise.all([...latest.values()].map((p) => p.catch(() => undefined)));
    },
  };
}
