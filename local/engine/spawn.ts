import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerData } from './protocol.ts';

/**
 * Starts worker.ts in a worker thread. Node 20 does not pass loader hooks (tsx) to workers, and under
 * vitest there is no tsx at all, so the worker's first act is registering tsx's ESM hooks itself, then
 * importing the TypeScript entry. Works the same under `tsx`, vitest and plain node.
 */
export function spawnInterpreter(data: WorkerData): Worker {
  const tsxPackage = pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsxApi = new URL('dist/esm/api/index.mjs', tsxPackage).href;
  const entry = new URL('./worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)})
    .then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })
    .catch((error) => { process.nextTick(() => { throw error; }); });`;
  // execArgv: [] so flags of the parent (vitest's, tsx's own loader) never reach the worker.
  return new Worker(bootstrap, { eval: true, workerData: data, execArgv: [] });
}
