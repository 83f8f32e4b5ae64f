import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Worker } from 'node:worker_threads';
import { simNow, simTimeFromEnv } from '../../functions/commons/clock.ts';
import { EngineError } from './errors.ts';
import { type ExecutionRecord, Journal } from './journal.ts';
import { lambdaError, lambdaResult } from './lambda.ts';
import type { ExecutionStatus, FromWorker, ToWorker } from './protocol.ts';
import { spawnInterpreter } from './spawn.ts';
import { TokenRegistry } from './tokens.ts';
import type {
  Engine,
  EngineOptions,
  ExecutionDescription,
  ExecutionListItem,
  StateMachineSpec,
} from './types.ts';

export { EngineError } from './errors.ts';
export type { ExecutionRecord } from './journal.ts';
export type { ExecutionStatus } from './protocol.ts';
export type * from './types.ts';

/** How long stop() lets running handlers finish. */
const STOP_GRACE_MS = 5000;
/** Finished executions kept in memory for Describe/List; older ones are forgotten. */
const FINISHED_IN_MEMORY = 50_000;
/** AWS's execution name rule: 1–80 characters, no whitespace, brackets, wildcards, specials or controls. */
const NAME_CHARS = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/]{1,80}$/;
const isControl = (c: string) =>
  c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f);
const validName = (name: string) => NAME_CHARS.test(name) && ![...name].some(isControl);
const STATE_MACHINE_ARN = /^arn:[^:]+:states:[^:]*:[^:]*:stateMachine:[^:]+(:[^:]+)?$/;

/** A state machine with its published versions (version n is `versions[n - 1]`) and where its aliases point. */
interface Machine {
  spec: StateMachineSpec;
  definitions: object[];
  /** alias name → version number */
  aliases: Map<string, number>;
}

/** `arn:…:stateMachine:<name>` of a version's or alias's ARN, and its qualifier. */
function qualified(arn: string): { base: string; qualifier?: string } {
  const parts = arn.split(':');
  return { base: parts.slice(0, 7).join(':'), qualifier: parts[7] };
}
const versionArnOf = (base: string, version: number) => `${base}:${version}`;

/** arn:…:execution:<sm>:<name> → the state machine's ARN and the execution's name */
export function executionParts(executionArn: string): { stateMachineArn: string; name: string } {
  const parts = executionArn.split(':');
  const name = parts.pop() ?? '';
  parts[5] = 'stateMachine';
  return { stateMachineArn: parts.join(':'), name };
}

/** arn:…:stateMachine:<sm> → arn:…:execution:<sm>:<name> */
export function executionArnOf(stateMachineArn: string, name: string): string {
  const parts = stateMachineArn.split(':');
  parts[5] = 'execution';
  return `${parts.join(':')}:${name}`;
}

interface Waiter {
  resolve: (d: ExecutionDescription) => void;
  reject: (e: Error) => void;
}

class LocalEngine implements Engine {
  private readonly records = new Map<string, ExecutionRecord>();
  /** executions running in this engine's worker (interrupted ones from the journal are not) */
  private readonly live = new Set<string>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly tokens = new TokenRegistry();
  private readonly machines: Map<string, Machine>;
  private readonly journal: Journal;
  private interruptedArns: Set<string>;
  private counters = { transitions: 0, invocations: 0, executions: 0 };
  private stopped = false;
  private finishedCount = 0;
  /** handler calls still running, so stop() can let them finish their writes */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly opts: EngineOptions,
    private readonly worker: Worker,
    private readonly now: () => number,
    previous: ExecutionRecord[],
  ) {
    this.machines = new Map(
      opts.stateMachines.map((spec) => [
        spec.arn,
        { spec, definitions: [spec.definition], aliases: new Map((spec.aliases ?? []).map((a) => [a, 1])) },
      ]),
    );
    for (const record of previous) this.records.set(record.executionArn, record);
    this.interruptedArns = new Set(previous.filter((r) => r.status === 'RUNNING').map((r) => r.executionArn));
    this.finishedCount = previous.length - this.interruptedArns.size;
    this.journal = Journal.open(opts.journalPath, () => this.records.values());
    worker.on('message', (m: FromWorker) => this.onMessage(m));
    worker.on('error', (error) => this.crash(error));
    worker.on('exit', (code) => this.crash(new Error(`interpreter worker exited with code ${code}`)));
  }

  async startExecution(p: { stateMachineArn: string; name?: string; input: unknown }) {
    this.assertRunning();
    const { machine, version, aliasArn } = this.target(p.stateMachineArn);
    const name = p.name ?? randomUUID();
    if (!validName(name)) throw new EngineError('InvalidName', `Invalid Name: '${name}'`);
    const executionArn = executionArnOf(machine.spec.arn, name);
    const input = p.input ?? {};
    const existing = this.records.get(executionArn);
    if (existing && !this.interruptedArns.has(executionArn)) {
      // AWS: starting a running execution again with the same input is idempotent; anything else conflicts.
      if (this.live.has(executionArn) && isDeepStrictEqual(existing.input, input)) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new EngineError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    // An interrupted execution's name is free again: resuming it is starting it anew.
    this.interruptedArns.delete(executionArn);
    this.records.delete(executionArn);
    const versionArn = versionArnOf(machine.spec.arn, version);
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.spec.arn,
      // AWS associates an execution with a version only when started through one (or an alias of one)
      ...(p.stateMachineArn === machine.spec.arn ? {} : { stateMachineVersionArn: versionArn }),
      ...(aliasArn ? { stateMachineAliasArn: aliasArn } : {}),
      name,
      input,
      status: 'RUNNING',
      startDate: this.now(),
    };
    this.records.set(executionArn, record);
    this.live.add(executionArn);
    this.counters.executions++;
    this.journal.touch();
    const context = {
      Execution: {
        Id: executionArn,
        Name: name,
        RoleArn: 'arn:aws:iam::000000000000:role/local',
        StartTime: new Date(record.startDate).toISOString(),
      },
      StateMachine: { Id: machine.spec.arn, Name: machine.spec.name },
    };
    this.post({ type: 'start', executionArn, stateMachineArn: versionArn, input, context });
    return { executionArn, startDate: record.startDate };
  }

  async resume(executionArn: string, input: unknown) {
    this.assertRunning();
    const running = this.records.get(executionArn);
    if (running && this.live.has(executionArn)) return { executionArn, startDate: running.startDate };
    // The case record is the truth: whatever the journal kept of this name (interrupted, or finished while the
    // case's last write was lost) is replaced by the re-entered execution.
    this.interruptedArns.delete(executionArn);
    this.records.delete(executionArn);
    // through the machine's alias, as the app starts its executions: the newest version
    const { stateMachineArn, name } = executionParts(executionArn);
    const [alias] = this.machines.get(stateMachineArn)?.aliases.keys() ?? [];
    return this.startExecution({
      stateMachineArn: alias ? `${stateMachineArn}:${alias}` : stateMachineArn,
      name,
      input,
    });
  }

  async publishVersion(stateMachineArn: string, definition: object) {
    this.assertRunning();
    const { machine } = this.target(stateMachineArn);
    machine.definitions.push(definition);
    const version = machine.definitions.length;
    const arn = versionArnOf(machine.spec.arn, version);
    this.post({ type: 'define', arn, definition });
    for (const alias of machine.aliases.keys()) machine.aliases.set(alias, version);
    return arn;
  }

  async describeStateMachineAlias(aliasArn: string) {
    const { machine, version, aliasArn: arn } = this.target(aliasArn);
    if (!arn) throw new EngineError('ResourceNotFound', `Alias Does Not Exist: '${aliasArn}'`);
    return {
      stateMachineAliasArn: arn,
      name: qualified(arn).qualifier!,
      routingConfiguration: [
        { stateMachineVersionArn: versionArnOf(machine.spec.arn, version), weight: 100 },
      ],
    };
  }

  /** The machine an ARN names and the version it runs: unqualified → the newest, `:n` → n, `:alias` → its target. */
  private target(arn: string): { machine: Machine; version: number; aliasArn?: string } {
    if (!STATE_MACHINE_ARN.test(arn)) throw new EngineError('InvalidArn', `Invalid Arn: '${arn}'`);
    const { base, qualifier } = qualified(arn);
    const machine = this.machines.get(base);
    if (!machine) throw new EngineError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    if (qualifier === undefined) return { machine, version: machine.definitions.length };
    if (/^\d+$/.test(qualifier)) {
      const version = Number(qualifier);
      if (version < 1 || version > machine.definitions.length) {
        throw new EngineError('StateMachineDoesNotExist', `State Machine Version Does Not Exist: '${arn}'`);
      }
      return { machine, version };
    }
    const version = machine.aliases.get(qualifier);
    if (version === undefined) throw new EngineError('ResourceNotFound', `Alias Does Not Exist: '${arn}'`);
    return { machine, version, aliasArn: arn };
  }

  async sendTaskSuccess(token: string, output: unknown) {
    this.assertRunning();
    const value = lambdaResult(output); // what AWS would carry: JSON
    const task = this.tokens.take(token);
    this.post({ type: 'settle', callId: task.callId, ok: true, value });
  }

  async sendTaskFailure(token: string, error?: string, cause?: string) {
    this.assertRunning();
    const task = this.tokens.take(token);
    this.post({
      type: 'settle',
      callId: task.callId,
      ok: false,
      error: { name: error ?? '', message: cause ?? '' },
    });
  }

  async timeOutTask(token: string) {
    this.assertRunning();
    const task = this.tokens.take(token);
    this.post({
      type: 'settle',
      callId: task.callId,
      ok: false,
      error: { name: 'States.Timeout', message: 'the callback came after the task timed out' },
    });
  }

  async sendTaskHeartbeat(token: string) {
    this.assertRunning();
    this.tokens.get(token);
  }

  async describeExecution(executionArn: string) {
    return { ...this.record(executionArn) };
  }

  async stopExecution(executionArn: string, error?: string, cause?: string) {
    const record = this.record(executionArn);
    if (record.status !== 'RUNNING') return { stopDate: record.stopDate ?? this.now() };
    if (this.live.has(executionArn)) this.post({ type: 'abort', executionArn });
    this.interruptedArns.delete(executionArn);
    this.finish(record, { status: 'ABORTED', error, cause });
    return { stopDate: record.stopDate! };
  }

  async listExecutions(
    stateMachineArn: string,
    status?: ExecutionStatus,
    page: { maxResults?: number; nextToken?: string } = {},
  ) {
    if (!this.machines.has(qualified(stateMachineArn).base)) {
      throw new EngineError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    }
    const all = [...this.records.values()]
      .filter((r) => r.stateMachineArn === stateMachineArn && (!status || r.status === status))
      .sort((a, b) => b.startDate - a.startDate);
    const offset = page.nextToken ? Number(Buffer.from(page.nextToken, 'base64url').toString()) || 0 : 0;
    const size = page.maxResults && page.maxResults > 0 ? Math.min(page.maxResults, 1000) : 100;
    const executions = all.slice(offset, offset + size).map(
      ({ executionArn, stateMachineArn, name, status, startDate, stopDate }): ExecutionListItem => ({
        executionArn,
        stateMachineArn,
        name,
        status,
        startDate,
        ...(stopDate === undefined ? {} : { stopDate }),
      }),
    );
    const more = offset + size < all.length;
    return {
      executions,
      ...(more ? { nextToken: Buffer.from(String(offset + size)).toString('base64url') } : {}),
    };
  }

  interrupted(): ExecutionRecord[] {
    return [...this.interruptedArns].map((arn) => ({ ...this.records.get(arn)! }));
  }

  waitForExecution(executionArn: string, timeoutMs = 30_000): Promise<ExecutionDescription> {
    const record = this.record(executionArn);
    if (record.status !== 'RUNNING') return Promise.resolve({ ...record });
    return new Promise((resolve, reject) => {
      const set = this.waiters.get(executionArn) ?? new Set();
      this.waiters.set(executionArn, set);
      const timer = setTimeout(() => {
        set.delete(waiter);
        reject(new EngineError('WaitTimeout', `${executionArn} still RUNNING after ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        resolve: (d) => {
          clearTimeout(timer);
          resolve(d);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      set.add(waiter);
    });
  }

  stats() {
    return { ...this.counters };
  }

  activity() {
    return {
      handlersRunning: this.inFlight.size,
      running: [...this.live],
      waiting: this.tokens.waitingExecutions(),
    };
  }

  async stop() {
    if (this.stopped) return;
    this.stopped = true;
    this.tokens.closeAll();
    this.journal.touch();
    await this.journal.flush();
    for (const [arn, set] of this.waiters) {
      for (const w of set)
        w.reject(new EngineError('EngineStopped', `engine stopped while ${arn} was running`));
    }
    this.waiters.clear();
    await this.worker.terminate();
    // Handlers already running finish (their writes land) but their results go nowhere; bounded wait.
    const grace = new Promise<void>((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref());
    await Promise.race([Promise.allSettled(this.inFlight), grace]);
  }

  private record(executionArn: string): ExecutionRecord {
    const record = this.records.get(executionArn);
    if (!record)
      throw new EngineError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }

  private assertRunning() {
    if (this.stopped) throw new EngineError('EngineStopped', 'the local Step Functions engine is stopped');
  }

  retime() {
    const sim = simTimeFromEnv(this.opts.env ?? process.env);
    if (!sim) throw new Error('retime: the engine runs on real time');
    this.post({ type: 'retime', sim });
  }

  private post(message: ToWorker) {
    this.worker.postMessage(message);
  }

  private onMessage(m: FromWorker) {
    if (m.type === 'ready') return;
    this.counters.transitions = m.transitions;
    if (m.type === 'invoke') {
      const running = this.invoke(m).finally(() => this.inFlight.delete(running));
      this.inFlight.add(running);
    } else if (m.type === 'expired') this.tokens.close(m.token);
    else {
      const record = this.records.get(m.executionArn);
      if (record?.status === 'RUNNING' && this.live.has(m.executionArn)) {
        this.finish(record, { status: m.status, output: m.output, error: m.error, cause: m.cause });
      }
    }
  }

  /** Runs one task's handler; a callback task's token opens before the handler can hand it on. */
  private async invoke(m: Extract<FromWorker, { type: 'invoke' }>) {
    this.counters.invocations++;
    if (m.token) this.tokens.add(m.token, { executionArn: m.executionArn, callId: m.callId });
    let settle: ToWorker | undefined;
    try {
      const value = lambdaResult(await this.opts.invoke(m.functionArn, m.payload));
      if (!m.token) settle = { type: 'settle', callId: m.callId, ok: true, value };
    } catch (error) {
      // A failed handler fails the task, unless the token was already answered.
      if (!m.token || this.tokens.close(m.token)) {
        settle = { type: 'settle', callId: m.callId, ok: false, error: lambdaError(error) };
      }
    }
    if (settle && !this.stopped) this.post(settle);
  }

  private finish(record: ExecutionRecord, outcome: Partial<ExecutionRecord> & { status: ExecutionStatus }) {
    for (const [key, value] of Object.entries(outcome)) {
      if (value !== undefined) (record as unknown as Record<string, unknown>)[key] = value;
    }
    record.stopDate = this.now();
    this.live.delete(record.executionArn);
    this.tokens.closeExecution(record.executionArn);
    this.journal.touch();
    for (const w of this.waiters.get(record.executionArn) ?? []) w.resolve({ ...record });
    this.waiters.delete(record.executionArn);
    this.forgetOldFinished();
  }

  /** Keeps memory bounded in long benchmark runs: the oldest finished executions go first. */
  private forgetOldFinished() {
    this.finishedCount++;
    if (this.finishedCount <= FINISHED_IN_MEMORY) return;
    for (const [arn, r] of this.records) {
      if (r.status !== 'RUNNING') {
        this.records.delete(arn);
        this.finishedCount--;
        return;
      }
    }
  }

  private crash(error: Error) {
    if (this.stopped) return;
    this.stopped = true;
    console.error(`local Step Functions engine: ${error.message}`);
    for (const arn of [...this.live]) {
      const record = this.records.get(arn)!;
      this.finish(record, {
        status: 'FAILED',
        error: 'States.Runtime',
        cause: `engine crashed: ${error.message}`,
      });
    }
  }
}

/**
 * Starts the local Step Functions engine: one worker thread interpreting every state machine on the
 * simulated clock of `env`, task handlers run here through `invoke`, executions journaled to `journalPath`.
 */
export async function createEngine(opts: EngineOptions): Promise<Engine> {
  const env = opts.env ?? process.env;
  const sim = simTimeFromEnv(env);
  // read on every call: the runtime may change the scale (retime)
  const now = () => {
    const t = simTimeFromEnv(env);
    return Math.floor(t ? simNow(t, Date.now()) : Date.now());
  };
  const previous = await Journal.load(opts.journalPath);
  const worker = spawnInterpreter({
    sim,
    stateMachines: opts.stateMachines.map(({ arn, definition }) => ({
      arn: versionArnOf(arn, 1),
      definition,
    })),
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    const onExit = (code: number) =>
      reject(new Error(`interpreter worker exited with code ${code} while starting`));
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.once('message', (m: FromWorker) => {
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (m.type === 'ready') resolve();
      else reject(new Error(`interpreter worker sent ${m.type} before ready`));
    });
  });
  return new LocalEngine(opts, worker, now, previous);
}
