import { WEB_DIST } from '../web/ensure-built.ts';
import { DEMO_USERS } from './auth.ts';
import { parseFaults } from './faults.ts';
import { startRuntime } from './runtime.ts';

/**
 * `npm start`: the whole system on this machine. PORT (default 3000), TIME_SCALE (simulated seconds per real
 * second, default 1), DATA_DIR (default .data), FAULTS and FAULTS_SEED (drills, off by default). Ctrl-C stops
 * every child process.
 */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const faults = parseFaults(process.env.FAULTS, Number(process.env.FAULTS_SEED ?? 1));
  const runtime = await startRuntime({
    port,
    dataDir: process.env.DATA_DIR ?? '.data',
    timeScale: Number(process.env.TIME_SCALE ?? 1),
    staticDir: WEB_DIST,
    log: (line) => console.log(line),
    faults,
    schedules: true,
  });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    runtime.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  console.log(`
Assistance approvals is running.
  Console:       ${runtime.url}/   (sign in as one of the demo users below)
  API:           ${runtime.url}/api   (OpenAPI: ${runtime.url}/openapi.json, health: ${runtime.url}/health)
  Step Functions endpoint (local): ${runtime.sfnUrl}
  Simulated time: ${new Date(runtime.now()).toISOString()} · TIME_SCALE=${process.env.TIME_SCALE}
  Demo logins (password "demo"): ${DEMO_USERS.map((u) => `${u.username} (${u.role} ${u.jurisdiction})`).join(', ')}
Press Ctrl-C to stop.`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
