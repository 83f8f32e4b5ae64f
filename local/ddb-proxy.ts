/**
 * A loopback proxy in front of DynamoDB Local that the local runtime points the handlers at when a drill asks for
 * it: it refuses a share of calls as throttled (the `ddb-throttle` fault) before they reach the table, and tells an
 * observer of every write that went through (the HTTP fuzz checks that a refused request wrote nothing).
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Faults } from './faults.ts';

/** A write DynamoDB Local answered: the operation (PutItem, TransactWriteItems, …) and its request body. */
export interface ObservedWrite {
  operation: string;
  body: unknown;
  status: number;
}

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem']);

export interface DynamoDbProxy {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts the proxy on a free loopback port, forwarding to `target` (DynamoDB Local's endpoint). */
export async function startDynamoDbProxy(
  target: string,
  opts: { faults?: Faults | null; onWrite?: (write: ObservedWrite) => void },
): Promise<DynamoDbProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    if (opts.faults?.roll('ddb-throttle')) {
      const text = JSON.stringify({
        __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
        message: 'injected fault: throttled',
      });
      res.writeHead(400, {
        'content-type': 'application/x-amz-json-1.0',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
      return;
    }
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res);
        answer.once('end', () => {
          if (opts.onWrite && WRITES.has(operation) && answer.statusCode === 200) {
            opts.onWrite({ operation, body: JSON.parse(body.toString('utf8')), status: answer.statusCode });
          }
        });
      },
    );
    forward.once('error', (error) => {
      res.destroy(error);
    });
    forward.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
