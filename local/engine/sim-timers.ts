import { type SimTime, simNow } from '../../functions/commons/clock.ts';

/** Node's setTimeout treats longer delays as 1 ms; longer waits are chained. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** What an interceptor may change about one timer: its delay, its callback, whether it runs in real time. */
export interface TimerPlan {
  delayMs: number;
  callback: () => void;
  /** the delay is real milliseconds (not scaled): used for work that takes real time, like a handler */
  realTime?: boolean;
}

export type TimerInterceptor = (plan: TimerPlan) => TimerPlan;

/** The simulated clock installed in a thread. */
export interface SimClock {
  /** simulated epoch milliseconds */
  now(): number;
  /**
   * Lets the caller rewrite the next `setTimeout` made synchronously after this call (the interpreter's
   * task timeout timer); forgotten at the next microtask if no timer was made.
   */
  interceptNextTimer(interceptor: TimerInterceptor): void;
  /**
   * Continues on `next` from the simulated instant reached now (a new scale): every pending simulated timer
   * fires at the same simulated instant as before, at its new real one.
   */
  retime(next: SimTime): void;
}

const realNow = Date.now;
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

/**
 * A timer that fires at a deadline, however far, and never before it: a real instant, or a simulated one whose
 * real instant `realOf` gives, read again whenever the clock is retimed.
 */
class ChainedTimeout {
  private handle: NodeJS.Timeout | undefined;
  private refed = true;
  private cleared = false;

  constructor(
    private readonly deadline: { real: number } | { sim: number },
    private readonly realOf: (simMs: number) => number,
    private readonly fire: () => void,
    private readonly live: Set<ChainedTimeout>,
  ) {
    live.add(this);
    this.schedule();
  }

  /** Arms the timer for its deadline as the clock now reads (again after a retime). */
  schedule(): void {
    realClearTimeout(this.handle);
    const at = 'real' in this.deadline ? this.deadline.real : this.realOf(this.deadline.sim);
    const remaining = at - realNow();
    // Node may run a timer a hair before Date.now() reaches the deadline: check and re-arm.
    if (remaining <= 0) {
      this.handle = realSetTimeout(() => {
        if (this.cleared) return;
        this.live.delete(this);
        this.fire();
      }, 0);
    } else {
      this.handle = realSetTimeout(
        () => this.cleared || this.schedule(),
        Math.min(Math.ceil(remaining), MAX_DELAY_MS),
      );
    }
    if (!this.refed) this.handle.unref();
  }

  clear(): void {
    this.cleared = true;
    this.live.delete(this);
    realClearTimeout(this.handle);
  }

  ref(): this {
    this.refed = true;
    this.handle?.ref();
    return this;
  }

  unref(): this {
    this.refed = false;
    this.handle?.unref();
    return this;
  }

  hasRef(): boolean {
    return this.refed;
  }
}

/**
 * Makes this thread live on simulated time: `Date.now()` and `new Date()` read the simulated clock
 * (SIM_TIME_ANCHOR/TIME_SCALE, same formula as functions/commons/clock.ts) and `setTimeout(fn, ms)` waits
 * until the simulated instant ms ahead, chained past 2^31-1 ms. Meant for the engine's worker thread only, where
 * the interpreter reads these globals; with `sim` null time is real but long timers still chain.
 */
export function installSimTime(initial: SimTime | null): SimClock {
  let sim = initial;
  const now = () => (sim ? Math.floor(simNow(sim, realNow())) : realNow());
  /** the real instant the clock reaches simulated `simMs` */
  const realOf = (simMs: number) => (sim ? sim.realAnchor + (simMs - sim.simAnchor) / sim.scale : simMs);
  const live = new Set<ChainedTimeout>();
  let interceptor: TimerInterceptor | undefined;

  if (sim) {
    const RealDate = Date;
    globalThis.Date = new Proxy(RealDate, {
      construct: (target, args, newTarget) =>
        Reflect.construct(target, args.length ? args : [now()], newTarget),
      apply: () => new RealDate(now()).toString(),
      get: (target, prop, receiver) => (prop === 'now' ? now : Reflect.get(target, prop, receiver)),
    });
  }

  const simSetTimeout = (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    let plan: TimerPlan = { delayMs: Math.max(Number(ms) || 0, 0), callback: () => fn(...args) };
    if (interceptor) {
      plan = interceptor(plan);
      interceptor = undefined;
    }
    const deadline =
      plan.realTime || !sim ? { real: realNow() + plan.delayMs } : { sim: now() + plan.delayMs };
    return new ChainedTimeout(deadline, realOf, plan.callback, live);
  };
  const simClearTimeout = (t: unknown) => {
    if (t instanceof ChainedTimeout) t.clear();
    else realClearTimeout(t as NodeJS.Timeout);
  };
  globalThis.setTimeout = simSetTimeout as unknown as typeof setTimeout;
  globalThis.clearTimeout = simClearTimeout as typeof clearTimeout;

  return {
    now,
    interceptNextTimer(next) {
      interceptor = next;
      queueMicrotask(() => {
        if (interceptor === next) interceptor = undefined;
      });
    },
    retime(next) {
      if (!sim) throw new Error('retime: this thread runs on real time');
      sim = next;
      for (const timer of live) timer.schedule();
    },
  };
}
