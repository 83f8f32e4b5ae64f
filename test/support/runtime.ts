import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { DEMO_USERS } from '../../local/auth.ts';
import { type Runtime, type RuntimeOptions, startRuntime } from '../../local/runtime.ts';
import type { CfnTemplate } from '../../local/tables.ts';
import { expectConforming } from './contract.ts';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

/** A logged-in client of the local runtime's HTTP API, over real sockets; every answer is checked against the OpenAPI document. */
export interface ApiClient {
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body is read loosely unless the test names its type
  get<T = any>(path: string): Promise<ApiResponse<T>>;
  // biome-ignore lint/suspicious/noExplicitAny: as for get
  post<T = any>(path: string, body?: unknown): Promise<ApiResponse<T>>;
  // biome-ignore lint/suspicious/noExplicitAny: as for get
  put<T = any>(path: string, body: unknown): Promise<ApiResponse<T>>;
  // biome-ignore lint/suspicious/noExplicitAny: as for get
  patch<T = any>(path: string, body: unknown): Promise<ApiResponse<T>>;
}

let templates: Record<string, CfnTemplate> | undefined;
let runtimes = 0;

/**
 * What every runtime of the test run shares (test/support/global-setup.ts): the app synthesized once, and the one
 * DynamoDB Local, in which each runtime has its own tables.
 */
export function sharedInfrastructure(): Pick<RuntimeOptions, 'templates' | 'dynamoDb'> {
  templates ??= JSON.parse(readFileSync(inject('templatesFile'), 'utf8')) as Record<string, CfnTemplate>;
  runtimes++;
  return {
    templates,
    dynamoDb: { endpoint: inject('ddbEndpoint'), tablePrefix: `rt-${process.pid}-${runtimes}-` },
  };
}

/** Starts the whole local runtime (engine, HTTP API, its own tables) on free ports with simulated time. */
export async function startTestRuntime(opts: { timeScale: number; startAt?: number }): Promise<Runtime> {
  return startRuntime({
    port: 0,
    timeScale: opts.timeScale,
    startAt: opts.startAt ?? Date.parse('2026-11-02T09:00:00+08:00'),
    ...sharedInfrastructure(),
  });
}

export function client(baseUrl: string, token?: string): ApiClient {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    // every response a test receives is checked against the OpenAPI document (test/support/contract.ts)
    expectConforming({
      method,
      path,
      status: res.status,
      contentType: res.headers.get('content-type'),
      body: parsed,
    });
    return { status: res.status, body: parsed };
  };
  return {
    get: (p) => call('GET', p),
    post: (p, b) => call('POST', p, b ?? {}),
    put: (p, b) => call('PUT', p, b),
    patch: (p, b) => call('PATCH', p, b),
  };
}

/** Logs a demo user in through `POST /api/auth/login` and returns their client. */
export async function login(baseUrl: string, username: string): Promise<ApiClient> {
  const res = await client(baseUrl).post<{ token: string }>('/api/auth/login', {
    username,
    password: 'demo',
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return client(baseUrl, res.body.token);
}

/** Logs every demo user in (or the ones named), keyed by username. */
export async function loginAll<U extends string = string>(
  baseUrl: string,
  usernames: readonly U[] = DEMO_USERS.map((u) => u.username as U),
): Promise<Record<U, ApiClient>> {
  const clients = {} as Record<U, ApiClient>;
  for (const u of usernames) clients[u] = await login(baseUrl, u);
  return clients;
}

/** Polls until `probe` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
