import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { asHandler } from '../functions/commons/command-log.ts';
import { countyOf } from '../functions/core/jurisdiction.ts';
import { resetSharedDeps, sharedDeps } from '../functions/services/deps.ts';
import { inFlightResumptions } from '../functions/services/resume.ts';
import { enterDirectory } from '../functions/services/staff.ts';
import { createLocalAuth, DEMO_USERS, type LocalAuth, loadOrCreateSecret } from './auth.ts';
import { type ObservedWrite, startDynamoDbProxy } from './ddb-proxy.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoDbClient, startDynamoDbLocal } from './dynamodb.ts';
import { createEngine, type Engine } from './engine/engine.ts';
import { crashedAfterWrite, type Faults } from './faults.ts';
import { type LocalRoute, startHttpServer } from './http-server.ts';
import { LOCAL_ACCOUNT, lambdaContext } from './lambda-context.ts';
import { createOidcAuth, type OidcSettings } from './oidc.ts';
import { ensurePrivateDir, loadOrCreateSecretFile, tightenTree } from './private-data.ts';
import { startScheduler } from './scheduler.ts';
import { startSfnEndpoint } from './sfn-endpoint.ts';
import { retimeSimClock, startSimClock } from './sim-clock.ts';
import { type CfnTemplate, deleteTables, ensureTables, tableInputsFromTemplate } from './tables.ts';
import { type ResolvedApp, resolveTemplates, synthTemplates, unqualified } from './template.ts';

export interface RuntimeOptions {
  /** HTTP API and console port; 0 picks a free one */
  port?: number;
  /** where DynamoDB data, the clock and the execution journal live; omit for an in-memory run (tests) */
  dataDir?: string;
  /** simulated seconds per real second */
  timeScale?: number;
  /** simulated time to start at when there is no stored clock (tests), epoch ms */
  startAt?: number;
  /** the web console's files */
  staticDir?: string;
  log?: (line: string) => void;
  /** drill faults (FAULTS), injected at the runtime's edges; none by default */
  faults?: Faults | null;
  /** told of every DynamoDB write a handler made (drills and the HTTP fuzz) */
  onWrite?: (write: ObservedWrite) => void;
  /**
   * The module a function runs, by logical id: the deploy rehearsal gives each function the bundle `cdk synth`
   * built for it. Default: the function's handler module (`app:entry`) from the repository.
   */
  moduleOf?: (logicalId: string, entry: string) => string;
  /** The synthesized CDK app, stack name → template; default: synthesized now (a test run synthesizes it once). */
  templates?: Record<string, CfnTemplate>;
  /**
   * A DynamoDB already running, used instead of starting DynamoDB Local's JVM: the runtime's tables are named
   * `<tablePrefix><name>` there, so runtimes sharing it never see each other's data, and are deleted on stop.
   */
  dynamoDb?: { endpoint: string; tablePrefix: string };
  /**
   * Re-enter the cases in flight at start (default true). The bench turns it off on a copied seeded county, whose
   * cases have no executions to resume.
   */
  resume?: boolean;
  /**
   * Run the app's schedules on the simulated clock (`npm start`); off by default, so a test's data changes only
   * by its own hand. `Runtime.runSchedules` runs them either way.
   */
  schedules?: boolean;
  /**
   * Trust an external OIDC issuer's tokens instead of the local sign-in, as a deployment with
   * `-c identity=oidc` does (the remote API suite runs this way); default: local tokens and the demo users.
   */
  oidc?: OidcSettings;
}

export interface Runtime {
  url: string;
  sfnUrl: string;
  engine: Engine;
  auth: LocalAuth;
  app: ResolvedApp;
  /** the simulated clock now, epoch ms */
  now(): number;
  /** Lambda invocations so far and their run time, by handler module (its entry, e.g. `functions/steps/open-stage.ts`). */
  lambdaStats: { byEntry: Record<string, number>; msByEntry: Record<string, number> };
  /** the DynamoDB Local endpoint itself (the handlers may be talking to a drill proxy in front of it) */
  dynamoDbEndpoint: string;
  /** the JVM running DynamoDB Local; undefined when the runtime uses one it did not start (`dynamoDb`) */
  dynamoDbPid: number | undefined;
  /** invokes a function of the app by logical id, as Lambda would (operations, the deploy rehearsal) */
  invoke(logicalId: string, event: unknown): Promise<unknown>;
  /** runs every schedule of the app now, as EventBridge Scheduler would; each function's answer by schedule */
  runSchedules(): Promise<Record<string, unknown>>;
  /**
   * Goes on at `timeScale` simulated seconds per real second from the instant reached (the bench reviews at a
   * scale where no task falls due, then lets publicity pass at a high one): every wait, task timeout and schedule
   * in flight ends at the same simulated instant as before.
   */
  setTimeScale(timeScale: number): void;
  stop(): Promise<void>;
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Starts the whole system on this machine, in order: synthesize the CDK app → DynamoDB Local and the tables the
 * template defines → the synthesized state machines in the local engine, each Lambda task running its handler
 * module → the Step Functions endpoint → the HTTP API. Then resumes every execution a previous run left
 * in flight, from the case records. `stop()` undoes it all in reverse.
 */
export async function startRuntime(opts: RuntimeOptions = {}): Promise<Runtime> {
  const log = opts.log ?? (() => {});
  const stack: (() => Promise<void>)[] = [];
  const stop = async () => {
    while (stack.length) await stack.pop()!().catch((e) => log(`stop: ${(e as Error).message}`));
  };
  try {
    // Tracing is off outside Lambda (the Tracer is a no-op), but the X-Ray SDK's automatic mode would still hook
    // every promise of this one process hosting all functions (cls-hooked). Manual mode installs no hook; it is
    // read when the SDK first loads, which synthesizing the app below already does.
    process.env.AWS_XRAY_MANUAL_MODE ??= 'true';
    const dataDir = opts.dataDir ? resolve(opts.dataDir) : undefined;
    if (dataDir) await ensurePrivateDir(dataDir);
    stack.push(await startSimClock({ dataDir, startAt: opts.startAt, timeScale: opts.timeScale }));

    if (!opts.templates) log('synthesizing the CDK app…');
    const shared = opts.dynamoDb;
    const app = resolveTemplates(opts.templates ?? (await synthTemplates()), {
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      tablePrefix: shared?.tablePrefix,
    });

    let ddb: { endpoint: string; pid: number | undefined };
    if (shared) {
      ddb = { endpoint: shared.endpoint, pid: undefined };
    } else {
      log('starting DynamoDB Local…');
      // a loaded machine can take a minute to bring the JVM up
      const started = await startDynamoDbLocal({
        dataDir: dataDir && join(dataDir, 'dynamodb'),
        startTimeoutMs: 120_000,
      });
      stack.push(() => started.stop());
      ddb = started;
    }
    const faults = opts.faults ?? null;
    let handlerEndpoint = ddb.endpoint;
    if (faults || opts.onWrite) {
      const proxy = await startDynamoDbProxy(ddb.endpoint, { faults, onWrite: opts.onWrite });
      stack.push(() => proxy.close());
      handlerEndpoint = proxy.endpoint;
      if (faults) log(`drill faults on: ${faults.spec}`);
    }
    Object.assign(process.env, {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: handlerEndpoint,
    });
    const tables = Object.values(app.templates).flatMap((t) =>
      tableInputsFromTemplate(t, shared?.tablePrefix),
    );
    const client = localDynamoDbClient(ddb.endpoint);
    await ensureTables(client, tables);
    client.destroy();
    if (shared) {
      stack.push(async () => {
        const c = localDynamoDbClient(ddb.endpoint);
        await deleteTables(c, tables).finally(() => c.destroy());
      });
    }
    // the JVM created its database with the umask: the files holding households become the owner's only
    if (dataDir) await tightenTree(dataDir);

    // One process hosts every function, so their environments must agree; they do by construction.
    const environment = new Map<string, string>();
    for (const fn of app.functions) {
      for (const [k, v] of Object.entries(fn.environment)) {
        if (PER_FUNCTION_ENV.has(k)) continue;
        if (environment.has(k) && environment.get(k) !== v) {
          throw new Error(`functions disagree on ${k}: ${environment.get(k)} vs ${v}`);
        }
        environment.set(k, v);
        process.env[k] = v;
      }
    }

    // the key sealing paging cursors: on AWS the stack provides it, here `.data/` keeps it across restarts
    process.env.CURSOR_KEY = Buffer.from(
      dataDir
        ? await loadOrCreateSecretFile(dataDir, 'cursor-key', CURSOR_KEY_BYTES)
        : randomBytes(CURSOR_KEY_BYTES),
    ).toString('base64');
    // Metrics are EMF lines for CloudWatch to read from a Lambda's log: nothing to print here.
    process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

    const lambdaStats: Runtime['lambdaStats'] = { byEntry: {}, msByEntry: {} };
    const handlers = new Map<string, Promise<Handler>>();
    const handlerOf = (logicalId: string): Promise<Handler> => {
      let h = handlers.get(logicalId);
      if (!h) {
        const fn = app.functions.find((f) => f.logicalId === logicalId || f.arn === logicalId);
        if (!fn) throw new Error(`no function ${logicalId} in the template`);
        const module = opts.moduleOf?.(fn.logicalId, fn.entry) ?? resolve(fn.entry);
        h = import(pathToFileURL(module).href).then((m: { handler: Handler }) => timed(fn.entry, m.handler));
        handlers.set(logicalId, h);
      }
      return h;
    };
    const timed =
      (entry: string, handler: Handler): Handler =>
      async (event, context) => {
        const started = performance.now();
        try {
          // one process hosts every function: the SDK commands this call sends are its module's
          return await asHandler(entry, () => handler(event, context));
        } finally {
          const ms = performance.now() - started;
          lambdaStats.byEntry[entry] = (lambdaStats.byEntry[entry] ?? 0) + 1;
          lambdaStats.msByEntry[entry] = (lambdaStats.msByEntry[entry] ?? 0) + ms;
        }
      };
    // a version's or alias's ARN runs the function's module: locally each function has the one version on disk
    const functionIdOf = (arnOrName: string) =>
      app.functions.find((f) => f.arn === unqualified(arnOrName) || f.logicalId === arnOrName)?.logicalId ??
      arnOrName;

    log('starting the workflow engine…');
    const engine = await createEngine({
      stateMachines: app.stateMachines.map(({ arn, name, definition, aliases }) => ({
        arn,
        name,
        definition,
        aliases,
      })),
      invoke: async (functionArn, payload) => {
        const id = functionIdOf(functionArn);
        const result = await (await handlerOf(id))(payload, lambdaContext(id, 60_000));
        if (faults?.roll('step-crash-after-write')) throw crashedAfterWrite();
        return result;
      },
      journalPath: dataDir && join(dataDir, 'executions.json'),
    });
    stack.push(() => engine.stop());
    const sfn = await startSfnEndpoint(engine, { host: '127.0.0.1', faults });
    stack.push(() => sfn.close());
    process.env.AWS_ENDPOINT_URL_SFN = sfn.url;
    resetSharedDeps();

    const auth = opts.oidc
      ? createOidcAuth(opts.oidc)
      : createLocalAuth(dataDir ? await loadOrCreateSecret(dataDir) : randomBytes(32));
    // the demo reviewers are colleagues to reassign to before they ever sign in
    for (const user of auth.users) await enterDirectory(sharedDeps(), user);
    const routes: LocalRoute[] = app.routes.map((r) => ({
      method: r.method,
      path: r.path,
      authorized: r.authorized,
      invoke: async (event) =>
        (await handlerOf(r.functionLogicalId))(event, lambdaContext(r.functionLogicalId, 30_000)),
    })) as LocalRoute[];
    const http = await startHttpServer({
      port: opts.port ?? 3000,
      host: '127.0.0.1',
      routes,
      auth,
      staticDir: opts.staticDir,
    });
    stack.push(() => http.close());

    if (opts.resume !== false) await resumeInFlight(engine, log);
    const invoke = async (logicalId: string, event: unknown) =>
      (await handlerOf(logicalId))(event, lambdaContext(logicalId, 900_000));
    const scheduler = startScheduler({
      schedules: app.schedules,
      invoke,
      timeScale: opts.timeScale ?? 1,
      timers: opts.schedules === true,
      log,
    });
    stack.push(() => scheduler.stop());

    return {
      url: http.url,
      sfnUrl: sfn.url,
      engine,
      auth,
      app,
      now: () => sharedDeps().clock.now(),
      lambdaStats,
      dynamoDbEndpoint: ddb.endpoint,
      dynamoDbPid: ddb.pid,
      invoke,
      runSchedules: () => scheduler.runAll(),
      setTimeScale: (timeScale) => {
        retimeSimClock(timeScale);
        engine.retime();
        scheduler.retime(timeScale);
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Settings that differ per function on AWS and mean nothing to the shared local process. */
/** Bytes of the local cursor key (store/cursor.ts wants at least 32). */
const CURSOR_KEY_BYTES = 32;

const PER_FUNCTION_ENV = new Set(['POWERTOOLS_SERVICE_NAME', 'NODE_OPTIONS', 'POWERTOOLS_LOG_LEVEL']);

/**
 * Re-enters every case the case records say is in flight (open or returned) at its stage, under the execution
 * its item names: the journal may miss an execution started just before a crash, and every execution of the
 * previous run died with it. Interrupted executions of cases no longer in flight are stopped.
 */
async function resumeInFlight(engine: Engine, log: (line: string) => void): Promise<void> {
  const interrupted = new Set(engine.interrupted().map((e) => e.executionArn));
  // the counties this runtime serves: its users' (a Query of each county's active cases, never a Scan)
  const counties = DEMO_USERS.map((u) => countyOf(u.jurisdiction));
  const resumptions = await inFlightResumptions(sharedDeps(), counties);
  for (const { executionArn, input } of resumptions) {
    await engine.resume(executionArn, input);
    interrupted.delete(executionArn);
  }
  for (const executionArn of interrupted) {
    await engine.stopExecution(executionArn, 'NotResumed', 'the case has no open stage to resume');
  }
  if (resumptions.length || interrupted.size) {
    log(
      `resumed ${resumptions.length} in-flight case(s); stopped ${interrupted.size} execution(s) of ended cases`,
    );
  }
}
