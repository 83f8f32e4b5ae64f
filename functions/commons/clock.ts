/**
 * The one clock every handler reads. On AWS it is the system clock. The local runtime may run simulated
 * time (TIME_SCALE simulated seconds per real second, continuing from a stored offset) by setting
 * SIM_TIME_ANCHOR="<realMs>:<simMs>": at real instant realMs the simulated clock read simMs.
 */
export interface Clock {
  now(): number;
}

export interface SimTime {
  scale: number;
  realAnchor: number;
  simAnchor: number;
}

/** Reads the simulated-time settings from an environment, or null when time is real. */
export function simTimeFromEnv(env: NodeJS.ProcessEnv = process.env): SimTime | null {
  const anchor = env.SIM_TIME_ANCHOR;
  if (!anchor) return null;
  const [realAnchor, simAnchor] = anchor.split(':').map(Number);
  const scale = Number(env.TIME_SCALE ?? '1');
  if (!Number.isFinite(realAnchor) || !Number.isFinite(simAnchor) || !(scale > 0)) {
    throw new Error(`bad SIM_TIME_ANCHOR/TIME_SCALE: ${anchor} / ${env.TIME_SCALE}`);
  }
  return { scale, realAnchor: realAnchor!, simAnchor: simAnchor! };
}

/** Simulated instant for a real one. */
export const simNow = (t: SimTime, realMs: number) => t.simAnchor + (realMs - t.realAnchor) * t.scale;

/** The process clock: simulated when the environment says so (read on every call), else real. */
export const systemClock: Clock = {
  now: () => {
    const t = simTimeFromEnv();
    return t ? simNow(t, Date.now()) : Date.now();
  },
};
