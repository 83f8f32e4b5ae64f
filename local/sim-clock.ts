import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simNow, simTimeFromEnv } from '../functions/commons/clock.ts';

const CLOCK_FILE = 'clock.json';
/** How often the bound is written. */
const SAVE_EVERY_MS = 250;
/**
 * How far ahead of the simulated now each write's bound reaches, in real time: longer than the gap to the next
 * write, so a kill -9 at any moment finds a bound no handed-out time has passed. A restart may skip ahead by at
 * most this (× TIME_SCALE), never back.
 */
const LEAD_MS = 1_000;

interface ClockFile {
  /** simulated minus real time at the write: with TIME_SCALE=1, time goes on while the runtime is down */
  offsetMs: number;
  /** no simulated time the run had reached or could reach before its next write is later than this */
  notBeforeMs: number;
}

async function readClock(file: string): Promise<ClockFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // first run
    throw error;
  }
  const stored = JSON.parse(text) as Partial<ClockFile>;
  if (typeof stored.offsetMs !== 'number') throw new Error(`unreadable simulated clock ${file}: ${text}`);
  return { offsetMs: stored.offsetMs, notBeforeMs: stored.notBeforeMs ?? -Infinity };
}

/**
 * Starts the simulated clock (SIM_TIME_ANCHOR, TIME_SCALE in process.env) where the last run left it, never
 * earlier: at startAt on a first run (or real time), else at the later of the stored offset applied to now and the
 * stored bound. With a data directory it writes `<dataDir>/clock.json` (temp file + rename, so a crash leaves a
 * whole file) every SAVE_EVERY_MS with a bound LEAD_MS ahead, and once more from the returned stop().
 */
export async function startSimClock(opts: {
  dataDir?: string;
  startAt?: number;
  timeScale?: number;
}): Promise<() => Promise<void>> {
  const file = opts.dataDir && join(opts.dataDir, CLOCK_FILE);
  const stored = file ? await readClock(file) : undefined;
  const realNow = Date.now();
  const start = stored
    ? Math.max(realNow + stored.offsetMs, stored.notBeforeMs, opts.startAt ?? -Infinity)
    : (opts.startAt ?? realNow);
  process.env.SIM_TIME_ANCHOR = `${realNow}:${start}`;
  process.env.TIME_SCALE = String(opts.timeScale ?? Number(process.env.TIME_SCALE ?? 1));
  if (!file) return async () => {};
  let bound = stored?.notBeforeMs ?? -Infinity;
  let writing = Promise.resolve();
  const save = (leadMs: number) => {
    const now = Date.now();
    // read at each write: the scale may have changed (retimeSimClock)
    const sim = simTimeFromEnv()!;
    bound = Math.max(bound, simNow(sim, now + leadMs));
    const content: ClockFile = { offsetMs: simNow(sim, now) - now, notBeforeMs: bound };
    const temp = `${file}.${process.pid}.tmp`;
    writing = writing
      .catch(() => {})
      .then(async () => {
        await writeFile(temp, JSON.stringify(content), { mode: 0o600 });
        await rename(temp, file);
      });
    return writing;
  };
  await save(LEAD_MS);
  const timer = setInterval(
    () => save(LEAD_MS).catch((e) => console.error(`clock ${file}: ${e}`)),
    SAVE_EVERY_MS,
  );
  timer.unref();
  return async () => {
    clearInterval(timer);
    await save(0);
  };
}

/**
 * Goes on at `timeScale` simulated seconds per real second from the simulated instant reached now: re-anchors
 * SIM_TIME_ANCHOR at this instant, so the clock neither jumps nor goes back. Whoever keeps timers on the clock
 * (the engine, the scheduler) must be told (Runtime.setTimeScale does it).
 */
export function retimeSimClock(timeScale: number, env: NodeJS.ProcessEnv = process.env): void {
  const sim = simTimeFromEnv(env);
  if (!sim) throw new Error('retime: the clock is real (no SIM_TIME_ANCHOR)');
  if (!(timeScale > 0)) throw new Error(`retime: bad TIME_SCALE ${timeScale}`);
  const realNow = Date.now();
  env.SIM_TIME_ANCHOR = `${realNow}:${simNow(sim, realNow)}`;
  env.TIME_SCALE = String(timeScale);
}
