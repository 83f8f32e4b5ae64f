import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { simNow, simTimeFromEnv } from '../../functions/commons/clock.ts';
import { createEngine, type Engine, EngineError } from '../../local/engine/engine.ts';
import { mintToken } from '../../local/engine/tokens.ts';
import { retimeSimClock } from '../../local/sim-clock.ts';

const SM_ARN = 'arn:aws:states:cn-north-1:123456789012:stateMachine:Test';
const fn = (name: string) => `arn:aws:lambda:cn-north-1:123456789012:function:${name}`;
const CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

type Payload = Record<string, unknown>;

/** A Lambda stand-in: records every call, answers by function name. */
function lambda(answers: Record<string, (payload: Payload) => unknown>) {
  const calls: { functionArn: string; payload: Payload }[] = [];
  const invoke = async (functionArn: string, payload: unknown) => {
    calls.push({ functionArn, payload: payload as Payload });
    const name = functionArn.split(':').pop()!;
    const answer = answers[name];
    if (!answer) throw new Error(`no handler ${name}`);
    return answer(payload as Payload);
  };
  return { calls, invoke };
}

/** Polls until `check` holds (for events that happen in the worker). */
async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const engines: Engine[] = [];
async function engineFor(
  definition: object,
  invoke: (f: string, p: unknown) => Promise<unknown>,
  extra: { journalPath?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Engine> {
  const engine = await createEngine({
    stateMachines: [{ arn: SM_ARN, name: 'Test', definition }],
    invoke,
    env: extra.env ?? {},
    journalPath: extra.journalPath,
  });
  engines.push(engine);
  return engine;
}

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
});

/** Review: a human task with the callback pattern, as CDK's LambdaInvoke(WAIT_FOR_TASK_TOKEN) renders it. */
const reviewTask = (next: object, extra: object = {}) => ({
  Type: 'Task',
  Resource: CALLBACK,
  Parameters: {
    FunctionName: fn('open-task'),
    Payload: { 'caseId.$': '$.caseId', 'token.$': '$$.Task.Token' },
  },
  ResultPath: '$.decision',
  ...next,
  ...extra,
});

describe('local engine', () => {
  it('runs Task → Choice → Succeed and counts transitions and invocations', async () => {
    // Arrange
    const definition = {
      StartAt: 'Score',
      States: {
        Score: { Type: 'Task', Resource: fn('score'), ResultPath: '$.score', Next: 'Route' },
        Route: {
          Type: 'Choice',
          Choices: [{ Variable: '$.score', NumericGreaterThan: 5, Next: 'High' }],
          Default: 'Low',
        },
        High: { Type: 'Succeed' },
        Low: { Type: 'Fail', Error: 'TooLow', Cause: 'score too low' },
      },
    };
    const { calls, invoke } = lambda({ score: (p) => (p.value as number) * 2 });
    const engine = await engineFor(definition, invoke);

    // Act
    const high = await engine.startExecution({ stateMachineArn: SM_ARN, name: 'high', input: { value: 4 } });
    const low = await engine.startExecution({ stateMachineArn: SM_ARN, name: 'low', input: { value: 1 } });
    const highDone = await engine.waitForExecution(high.executionArn);
    const lowDone = await engine.waitForExecution(low.executionArn);

    // Assert
    expect(high.executionArn).toBe('arn:aws:states:cn-north-1:123456789012:execution:Test:high');
    expect(highDone).toMatchObject({ status: 'SUCCEEDED', output: { value: 4, score: 8 }, name: 'high' });
    expect(highDone.stopDate).toBeGreaterThanOrEqual(highDone.startDate);
    expect(lowDone).toMatchObject({ status: 'FAILED', error: 'TooLow', cause: 'score too low' });
    expect(calls.map((c) => c.payload)).toEqual([{ value: 4 }, { value: 1 }]);
    expect(engine.stats()).toEqual({ transitions: 6, invocations: 2, executions: 2 });
  });

  it('rejects a duplicate running name, an unknown state machine and unknown executions', async () => {
    // Arrange
    const definition = {
      StartAt: 'Review',
      States: { Review: reviewTask({ End: true }, { TimeoutSeconds: 60 }) },
    };
    const { invoke } = lambda({ 'open-task': () => ({}) });
    const engine = await engineFor(definition, invoke);
    const first = await engine.startExecution({
      stateMachineArn: SM_ARN,
      name: 'case-1',
      input: { caseId: 'c1' },
    });

    // Act
    const again = await engine.startExecution({
      stateMachineArn: SM_ARN,
      name: 'case-1',
      input: { caseId: 'c1' },
    });
    const conflict = engine.startExecution({
      stateMachineArn: SM_ARN,
      name: 'case-1',
      input: { caseId: 'other' },
    });
    const missing = engine.startExecution({ stateMachineArn: `${SM_ARN}Nope`, input: {} });
    const unknown = engine.describeExecution(`${first.executionArn}-nope`);

    // Assert
    expect(again).toEqual(first);
    await expect(conflict).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    await expect(missing).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    await expect(unknown).rejects.toBeInstanceOf(EngineError);
    await expect(unknown).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  });

  it('resumes a waitForTaskToken task with SendTaskSuccess, one fresh single-use token per task', async () => {
    // Arrange
    const definition = {
      StartAt: 'Village',
      States: {
        Village: reviewTask({ Next: 'Township' }, { TimeoutSeconds: 3600, ResultPath: '$.village' }),
        Township: reviewTask({ End: true }, { TimeoutSeconds: 3600, ResultPath: '$.township' }),
      },
    };
    const { calls, invoke } = lambda({ 'open-task': () => ({ opened: true }) });
    const engine = await engineFor(definition, invoke);
    const { executionArn } = await engine.startExecution({
      stateMachineArn: SM_ARN,
      input: { caseId: 'c1' },
    });

    // Act
    await until(() => calls.length === 1);
    const villageToken = calls[0]!.payload.token as string;
    await engine.sendTaskHeartbeat(villageToken);
    await engine.sendTaskSuccess(villageToken, { decision: 'approve' });
    await until(() => calls.length === 2);
    const townshipToken = calls[1]!.payload.token as string;
    await engine.sendTaskSuccess(townshipToken, { decision: 'return' });
    const done = await engine.waitForExecution(executionArn);

    // Assert
    expect(calls[0]!.payload.caseId).toBe('c1');
    expect(villageToken).not.toBe(townshipToken);
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      output: { caseId: 'c1', village: { decision: 'approve' }, township: { decision: 'return' } },
    });
    await expect(engine.sendTaskSuccess(villageToken, {})).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await expect(engine.sendTaskSuccess(mintToken(), {})).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
    await expect(engine.sendTaskSuccess('not a token', {})).rejects.toMatchObject({ name: 'InvalidToken' });
    expect(engine.stats().invocations).toBe(2);
  });

  it('routes SendTaskFailure to a Catch on its error name', async () => {
    // Arrange
    const definition = {
      StartAt: 'Review',
      States: {
        Review: reviewTask(
          { Next: 'Approved' },
          {
            TimeoutSeconds: 60,
            Catch: [{ ErrorEquals: ['Rejected'], ResultPath: '$.error', Next: 'Handled' }],
          },
        ),
        Approved: { Type: 'Succeed' },
        Handled: { Type: 'Pass', Result: 'handled', ResultPath: '$.outcome', End: true },
      },
    };
    const { calls, invoke } = lambda({ 'open-task': () => ({}) });
    const engine = await engineFor(definition, invoke);
    const { executionArn } = await engine.startExecution({
      stateMachineArn: SM_ARN,
      input: { caseId: 'c2' },
    });

    // Act
    await until(() => calls.length === 1);
    await engine.sendTaskFailure(calls[0]!.payload.token as string, 'Rejected', 'income too high');
    const done = await engine.waitForExecution(executionArn);

    // Assert
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toEqual({
      caseId: 'c2',
      error: { Error: 'Rejected', Cause: 'income too high' },
      outcome: 'handled',
    });
  });

  it('times a callback task out by TimeoutSecondsPath on the state input; the old token dies, the new one works', async () => {
    // Arrange: 7200 simulated seconds per real second, so the first 36 s timeout is 5 real ms.
    const definition = {
      StartAt: 'Review',
      States: {
        Review: reviewTask(
          { Next: 'Done' },
          {
            TimeoutSecondsPath: '$.timeoutSeconds',
            Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timedOut', Next: 'Escalate' }],
          },
        ),
        Escalate: { Type: 'Pass', Result: 36000, ResultPath: '$.timeoutSeconds', Next: 'Review' },
        Done: { Type: 'Succeed' },
      },
    };
    const env = { SIM_TIME_ANCHOR: `${Date.now()}:${Date.UTC(2026, 10, 2)}`, TIME_SCALE: '7200' };
    const { calls, invoke } = lambda({ 'open-task': () => ({}) });
    const engine = await engineFor(definition, invoke, { env });
    const { executionArn } = await engine.startExecution({
      stateMachineArn: SM_ARN,
      input: { caseId: 'c3', timeoutSeconds: 36 },
    });

    // Act
    await until(() => calls.length === 2);
    const [oldToken, newToken] = calls.map((c) => c.payload.token as string);
    const late = await engine.sendTaskSuccess(oldToken!, { decision: 'approve' }).catch((e: Error) => e);
    await engine.sendTaskSuccess(newToken!, { decision: 'approve' });
    const done = await engine.waitForExecution(executionArn);

    // Assert
    expect(late).toMatchObject({ name: 'TaskTimedOut' });
    expect(calls[0]!.payload).toEqual({ caseId: 'c3', token: oldToken });
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toMatchObject({
      decision: { decision: 'approve' },
      timedOut: { Error: 'States.Timeout' },
    });
  });

  /**
   * An engine on a simulated clock at `scale` whose machine waits until `$.publicityEndsAt`, then runs a check;
   * `waitAnHour` starts an execution whose wait ends one simulated hour from now.
   */
  async function publicityEngine(scale: number) {
    const env = { SIM_TIME_ANCHOR: `${Date.now()}:${Date.UTC(2026, 10, 2)}`, TIME_SCALE: String(scale) };
    const definition = {
      StartAt: 'Publicity',
      States: {
        Publicity: { Type: 'Wait', TimestampPath: '$.publicityEndsAt', Next: 'Check' },
        Check: { Type: 'Task', Resource: fn('check'), End: true },
      },
    };
    const { invoke } = lambda({ check: () => ({ checked: true }) });
    const engine = await engineFor(definition, invoke, { env });
    const waitAnHour = async () => {
      const publicityEnd = simNow(simTimeFromEnv(env)!, Date.now()) + 3600_000;
      const started = await engine.startExecution({
        stateMachineArn: SM_ARN,
        input: { publicityEndsAt: new Date(publicityEnd).toISOString() },
      });
      return { ...started, publicityEnd };
    };
    return { env, engine, waitAnHour };
  }

  it('waits until a simulated timestamp an hour ahead in well under a second', async () => {
    // Arrange: 72000 simulated seconds per real second, so one simulated hour is 50 real ms.
    const { engine, waitAnHour } = await publicityEngine(3600 * 20);
    const realStart = Date.now();

    // Act
    const { executionArn, startDate, publicityEnd } = await waitAnHour();
    const done = await engine.waitForExecution(executionArn);

    // Assert
    const realElapsed = Date.now() - realStart;
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: { checked: true } });
    expect(realElapsed).toBeGreaterThanOrEqual(45);
    expect(realElapsed).toBeLessThan(1000);
    expect(startDate).toBeLessThan(publicityEnd);
    expect(done.stopDate).toBeGreaterThanOrEqual(publicityEnd);
  });

  it.each([
    { from: 3600, to: 3600 * 20, realMin: 0, realMax: 900 },
    { from: 3600 * 20, to: 3600, realMin: 500, realMax: 5000 },
  ])(
    'ends a wait in flight at its simulated instant when the scale goes from $from to $to',
    async ({ from, to, realMin, realMax }) => {
      // Arrange: a wait of one simulated hour, 1 s at 3600×, 50 ms at 72000×
      const { env, engine, waitAnHour } = await publicityEngine(from);
      const { executionArn, publicityEnd } = await waitAnHour();
      const realStart = Date.now();

      // Act
      retimeSimClock(to, env);
      engine.retime();
      const done = await engine.waitForExecution(executionArn, 10_000);

      // Assert
      const realElapsed = Date.now() - realStart;
      expect(done).toMatchObject({ status: 'SUCCEEDED', output: { checked: true } });
      expect(done.stopDate).toBeGreaterThanOrEqual(publicityEnd);
      // at the new scale the hour takes 1 s or 50 ms: the wait kept its simulated end, not its real one
      expect(realElapsed).toBeGreaterThanOrEqual(realMin);
      expect(realElapsed).toBeLessThan(realMax);
      expect(env.TIME_SCALE).toBe(String(to));
    },
  );

  it('runs handlers in real time and applies AWS default task timeouts, even at a high TIME_SCALE', async () => {
    // Arrange: 72000x, so 40 real ms of handler work would be 48 simulated minutes.
    const env = { SIM_TIME_ANCHOR: `${Date.now()}:${Date.UTC(2026, 10, 2)}`, TIME_SCALE: String(3600 * 20) };
    const definition = {
      StartAt: 'Slow',
      States: {
        Slow: { Type: 'Task', Resource: fn('slow'), TimeoutSeconds: 1, ResultPath: '$.slow', Next: 'Review' },
        Review: reviewTask({ End: true }),
      },
    };
    const { calls, invoke } = lambda({
      slow: () => new Promise((resolve) => setTimeout(() => resolve('done'), 40)),
      'open-task': () => ({}),
    });
    const engine = await engineFor(definition, invoke, { env });
    const { executionArn } = await engine.startExecution({
      stateMachineArn: SM_ARN,
      input: { caseId: 'c6' },
    });

    // Act: 100 real ms = 2 simulated hours, past the interpreter's own 60 s default
    await until(() => calls.length === 2);
    await new Promise((r) => setTimeout(r, 100));
    await engine.sendTaskSuccess(calls[1]!.payload.token as string, { decision: 'approve' });
    const done = await engine.waitForExecution(executionArn);

    // Assert
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      output: { slow: 'done', decision: { decision: 'approve' } },
    });
  });

  it('waits beyond setTimeout’s 2^31-1 ms limit instead of firing at once', async () => {
    // Arrange: a 40-day Wait on real time overflows a plain setTimeout into a 1 ms timer.
    const definition = {
      StartAt: 'Long',
      States: { Long: { Type: 'Wait', Seconds: 40 * 86_400, Next: 'Done' }, Done: { Type: 'Succeed' } },
    };
    const engine = await engineFor(definition, lambda({}).invoke);
    const { executionArn } = await engine.startExecution({ stateMachineArn: SM_ARN, input: {} });

    // Act
    await new Promise((r) => setTimeout(r, 100));
    const during = await engine.describeExecution(executionArn);
    await engine.stopExecution(executionArn);

    // Assert
    expect(during.status).toBe('RUNNING');
    await until(() => engine.stats().transitions === 1); // counts arrive with the worker's next message
  });

  it('retries a failing Lambda by its error name, then succeeds', async () => {
    // Arrange
    const definition = {
      StartAt: 'Flaky',
      States: {
        Flaky: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: fn('flaky'), 'Payload.$': '$' },
          ResultSelector: { 'value.$': '$.Payload' },
          Retry: [{ ErrorEquals: ['Lambda.TooManyRequestsException'], IntervalSeconds: 2, MaxAttempts: 3 }],
          End: true,
        },
      },
    };
    let attempts = 0;
    const { invoke } = lambda({
      flaky: () => {
        attempts++;
        if (attempts < 3)
          throw Object.assign(new Error('slow down'), { name: 'Lambda.TooManyRequestsException' });
        return { attempts };
      },
    });
    const env = { SIM_TIME_ANCHOR: `${Date.now()}:${Date.UTC(2026, 10, 2)}`, TIME_SCALE: '3600' };
    const engine = await engineFor(definition, invoke, { env });

    // Act
    const { executionArn } = await engine.startExecution({ stateMachineArn: SM_ARN, input: { n: 1 } });
    const done = await engine.waitForExecution(executionArn);

    // Assert
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: { value: { attempts: 3 } } });
    expect(engine.stats().invocations).toBe(3);
  });

  it('fails the execution with the Lambda error type and a JSON cause when no Retry or Catch matches', async () => {
    // Arrange
    const definition = {
      StartAt: 'Boom',
      States: { Boom: { Type: 'Task', Resource: fn('boom'), End: true } },
    };
    const { invoke } = lambda({
      boom: () => {
        throw new TypeError('bad shape');
      },
    });
    const engine = await engineFor(definition, invoke);

    // Act
    const { executionArn } = await engine.startExecution({ stateMachineArn: SM_ARN, input: {} });
    const done = await engine.waitForExecution(executionArn);

    // Assert
    expect(done).toMatchObject({ status: 'FAILED', error: 'TypeError' });
    expect(JSON.parse(done.cause!)).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad shape' });
  });

  it('stops an execution: ABORTED, and its token is dead', async () => {
    // Arrange
    const definition = {
      StartAt: 'Review',
      States: { Review: reviewTask({ End: true }, { TimeoutSeconds: 60 }) },
    };
    const { calls, invoke } = lambda({ 'open-task': () => ({}) });
    const engine = await engineFor(definition, invoke);
    const { executionArn } = await engine.startExecution({
      stateMachineArn: SM_ARN,
      input: { caseId: 'c4' },
    });
    await until(() => calls.length === 1);

    // Act
    await engine.stopExecution(executionArn, 'Withdrawn', 'applicant withdrew');
    const listed = await engine.listExecutions(SM_ARN, 'ABORTED');

    // Assert
    expect(await engine.describeExecution(executionArn)).toMatchObject({
      status: 'ABORTED',
      error: 'Withdrawn',
      cause: 'applicant withdrew',
    });
    expect(listed.executions.map((e) => e.executionArn)).toEqual([executionArn]);
    await expect(engine.sendTaskSuccess(calls[0]!.payload.token as string, {})).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
  });

  it('keeps running executions in the journal across stop(): the next engine reports them interrupted', async () => {
    // Arrange
    const dir = await mkdtemp(join(tmpdir(), 'engine-journal-'));
    const journalPath = join(dir, 'executions.json');
    const definition = {
      StartAt: 'Review',
      States: { Review: reviewTask({ End: true }, { TimeoutSeconds: 60 }) },
    };
    const { calls, invoke } = lambda({ 'open-task': () => ({}) });
    let second: Engine | undefined;
    try {
      const first = await engineFor(definition, invoke, { journalPath });
      const running = await first.startExecution({
        stateMachineArn: SM_ARN,
        name: 'case-5',
        input: { caseId: 'c5' },
      });
      await until(() => calls.length === 1);

      // Act
      await first.stop();
      second = await engineFor(definition, invoke, { journalPath });
      const interrupted = second.interrupted();
      const resumed = await second.startExecution({
        stateMachineArn: SM_ARN,
        name: 'case-5',
        input: { caseId: 'c5' },
      });

      // Assert
      expect(interrupted).toEqual([
        expect.objectContaining({
          executionArn: running.executionArn,
          status: 'RUNNING',
          input: { caseId: 'c5' },
        }),
      ]);
      expect(resumed.executionArn).toBe(running.executionArn);
      expect(second.interrupted()).toEqual([]);
      await expect(second.sendTaskSuccess(calls[0]!.payload.token as string, {})).rejects.toMatchObject({
        name: 'TaskDoesNotExist',
      });
    } finally {
      // stopped before the folder goes: its journal writes the resumed execution shortly after
      await second?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
