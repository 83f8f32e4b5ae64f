import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpEvent, TIMEOUT_MARGIN_MS } from '../../functions/api/http.ts';
import { handler as tasksHandler } from '../../functions/api/tasks.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import type { Runtime } from '../../local/runtime.ts';
import { errorSchema } from '../../schemas/records.ts';
import { startTestRuntime } from '../support/runtime.ts';

let rt: Runtime;
beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: 1 });
});
afterAll(() => rt?.stop());

/** The inbox request of a village reviewer, as API Gateway hands it to the function. */
const inbox = {
  version: '2.0',
  routeKey: 'GET /api/tasks',
  rawPath: '/api/tasks',
  rawQueryString: '',
  headers: {},
  isBase64Encoded: false,
  requestContext: {
    requestId: 'timeout-test',
    http: { method: 'GET', path: '/api/tasks' },
    authorizer: {
      jwt: {
        claims: {
          sub: 'demo-village',
          name: '王村干',
          'custom:role': 'village_reviewer',
          'custom:jurisdiction': '611002100201',
        },
        scopes: [],
      },
    },
  },
} as unknown as HttpEvent;

describe('a request that runs out of time', () => {
  it('answers 503 unavailable in the contract’s error shape, not a 500', async () => {
    // Arrange: the same request answers with time to spare
    expect((await tasksHandler(inbox, lambdaContext('tasks', 30_000))).statusCode).toBe(200);

    // Act: with 1 ms left before the margin, its reads cannot finish
    const res = await tasksHandler(inbox, lambdaContext('tasks', TIMEOUT_MARGIN_MS + 1));

    // Assert
    expect(res.statusCode).toBe(503);
    const body = errorSchema.parse(JSON.parse(res.body!));
    expect(body.error).toMatchObject({ code: 'unavailable', details: [] });
    expect(body.error.message).toMatch(/may or may not have taken effect/);
  });
});
