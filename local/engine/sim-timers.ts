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
}

const realNow = Date.now;
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

/** A timer that fires after a real deadline, however far, and never before it. */
class ChainedTimeout {
  private handle: NodeJS.Timeout | undefined;
  private refed = true;
  private cleared = false;

  constructor(
    private readonly deadline: number,
    private readonly fire: () => void,
  ) {
    this.schedule();
  }

  private schedule(): void {
    const remaining = this.deadline - realNow();
    // Node may run a timer a hair before Date.now() reaches the deadline: check and re-arm.
    if (remaining <= 0) {
      this.handle = realSetTimeout(() => this.cleared || this.fire(), 0);
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
 * ms / scale real milliseconds, chained past 2^31-1 ms. Meant for the engine's worker thread only, where
 * the interpreter reads these globals; with `sim` null time is real but long timers still chain.
 */
export function installSimTime(sim: SimTime | null): SimClock {
  const scale = sim?.scale ?? 1;
  const now = sim ? () => Math.floor(simNow(sim, realNow())) : realNow;
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
    const realDelay = plan.realTime ? plan.delayMs : plan.delayMs / scale;
    return new ChainedTimeout(realNow() + realDelay, plan.callback);
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
  };
}
