import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Engine, ExecutionStatus } from './engine/engine.ts';
import { EngineError } from './engine/errors.ts';
import type { Faults } from './faults.ts';

/** A client mistake the endpoint reports itself (not from the engine). */
class RequestError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

type Body = Record<string, unknown>;
type Action = (engine: Engine, body: Body) => Promise<object>;

/** AWS JSON protocol dates are epoch seconds (fractional). */
const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

function field(body: Body, name: string, required: true): string;
function field(body: Body, name: string, required?: false): string | undefined;
function field(body: Body, name: string, required = false): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    if (required)
      throw new RequestError('ValidationException', `1 validation error detected: '${name}' is required`);
    return undefined;
  }
  if (typeof value !== 'string') throw new RequestError('ValidationException', `'${name}' must be a string`);
  return value;
}

/** Parses a JSON document carried as a string (input, output), failing with the AWS error for it. */
function json(text: string | undefined, errorName: string): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new RequestError(errorName, `Invalid JSON: ${text.slice(0, 100)}`);
  }
}

const STATUSES = new Set(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

const actions: Record<string, Action> = {
  async StartExecution(engine, body) {
    const input = json(field(body, 'input'), 'InvalidExecutionInput');
    const started = await engine.startExecution({
      stateMachineArn: field(body, 'stateMachineArn', true),
      name: field(body, 'name'),
      input,
    });
    return { executionArn: started.executionArn, startDate: seconds(started.startDate) };
  },
  async SendTaskSuccess(engine, body) {
    const token = field(body, 'taskToken', true);
    await engine.sendTaskSuccess(token, json(field(body, 'output', true), 'InvalidOutput'));
    return {};
  },
  async SendTaskFailure(engine, body) {
    await engine.sendTaskFailure(field(body, 'taskToken', true), field(body, 'error'), field(body, 'cause'));
    return {};
  },
  async SendTaskHeartbeat(engine, body) {
    await engine.sendTaskHeartbeat(field(body, 'taskToken', true));
    return {};
  },
  async DescribeExecution(engine, body) {
    const e = await engine.describeExecution(field(body, 'executionArn', true));
    const output = e.output === undefined ? undefined : JSON.stringify(e.output);
    return {
      executionArn: e.executionArn,
      stateMachineArn: e.stateMachineArn,
      stateMachineVersionArn: e.stateMachineVersionArn,
      stateMachineAliasArn: e.stateMachineAliasArn,
      name: e.name,
      status: e.status,
      startDate: seconds(e.startDate),
      stopDate: seconds(e.stopDate),
      input: JSON.stringify(e.input),
      inputDetails: { included: true },
      ...(output === undefined ? {} : { output, outputDetails: { included: true } }),
      error: e.error,
      cause: e.cause,
    };
  },
  async DescribeStateMachineAlias(engine, body) {
    return engine.describeStateMachineAlias(field(body, 'stateMachineAliasArn', true));
  },
  async StopExecution(engine, body) {
    const { stopDate } = await engine.stopExecution(
      field(body, 'executionArn', true),
      field(body, 'error'),
      field(body, 'cause'),
    );
    return { stopDate: seconds(stopDate) };
  },
  async ListExecutions(engine, body) {
    const status = field(body, 'statusFilter');
    if (status !== undefined && !STATUSES.has(status)) {
      throw new RequestError(
        'ValidationException',
        `statusFilter must be one of ${[...STATUSES].join(', ')}`,
      );
    }
    const maxResults = typeof body.maxResults === 'number' ? body.maxResults : undefined;
    const page = await engine.listExecutions(
      field(body, 'stateMachineArn', true),
      status as ExecutionStatus,
      {
        maxResults,
        nextToken: field(body, 'nextToken'),
      },
    );
    return {
      executions: page.executions.map((e) => ({
        ...e,
        startDate: seconds(e.startDate),
        stopDate: seconds(e.stopDate),
      })),
      nextToken: page.nextToken,
    };
  },
};

async function readBody(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  const body = json(text, 'SerializationException');
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new RequestError('SerializationException', 'request body must be a JSON object');
  }
  return body as Body;
}

function send(res: ServerResponse, status: number, body: object) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.0',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
  });
  res.end(text);
}

/** The callbacks the drill faults act on. */
const CALLBACKS = new Set(['SendTaskSuccess', 'SendTaskFailure']);

async function handle(engine: Engine, faults: Faults | null, req: IncomingMessage, res: ServerResponse) {
  try {
    const target = String(req.headers['x-amz-target'] ?? '');
    const name = target.slice(17);
    const action =
      req.method === 'POST' && target.startsWith('AWSStepFunctions.') ? actions[name] : undefined;
    if (!action)
      throw new RequestError('UnknownOperationException', `unsupported operation ${target || req.method}`);
    const body = await readBody(req);
    const callback = CALLBACKS.has(name);
    if (callback && faults?.roll('callback-late')) {
      await engine.timeOutTask(field(body, 'taskToken', true));
      throw new EngineError('TaskTimedOut', 'Provided task does not exist anymore');
    }
    const result = await action(engine, body);
    if (callback && faults?.roll('callback-duplicate')) {
      // applied, but the answer is lost: the SDK sends the same call again, as a dropped response makes it do
      send(res, 500, { __type: 'InternalFailure', message: 'injected fault: the answer was lost' });
      return;
    }
    send(res, 200, result);
  } catch (error) {
    if (error instanceof EngineError || error instanceof RequestError) {
      send(res, 400, { __type: error.name, message: error.message });
    } else {
      console.error('sfn endpoint:', error);
      send(res, 500, { __type: 'InternalFailure', message: String((error as Error)?.message ?? error) });
    }
  }
}

export interface SfnEndpoint {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves the Step Functions API subset the handlers call (AWS JSON 1.0: `POST /` with
 * `X-Amz-Target: AWSStepFunctions.<Action>`) on 127.0.0.1, backed by the local engine, so
 * `@aws-sdk/client-sfn` works unchanged with `AWS_ENDPOINT_URL_SFN` set to `url`. Port 0 picks a free one.
 * With drill `faults`, callbacks may come late (callback-late) or be answered with a lost response after they
 * were applied (callback-duplicate).
 */
export async function startSfnEndpoint(
  engine: Engine,
  opts: { port?: number; host?: '127.0.0.1'; faults?: Faults | null } = {},
): Promise<SfnEndpoint> {
  const server = createServer((req, res) => void handle(engine, opts.faults ?? null, req, res));
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // The SDK keeps sockets alive; without this close() would wait for them to time out.
        server.closeAllConnections();
      }),
  };
}
