import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rawBody, routeGroup } from '../../functions/api/http.ts';
import { handler as metaHandler } from '../../functions/api/meta.ts';
import { userFromClaims } from '../../functions/api/middleware/identity.ts';
import { declareRoutes, ROUTES, routeList } from '../../functions/api/routes.ts';
import { DomainError } from '../../functions/core/errors.ts';
import {
  createLocalAuth,
  DEMO_USERS,
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  loadOrCreateSecret,
} from '../../local/auth.ts';
import { lambdaInvoker, type RunningHttpServer, startHttpServer } from '../../local/http-server.ts';
import { applicationSchema } from '../../schemas/application.ts';
import { checkDigit } from '../../schemas/resident-id.ts';

const idNumber = (first17: string) => first17 + checkDigit(first17);
const HEAD_ID = idNumber('61100219800101001');

const validApplication = () => ({
  procedure: 'identification',
  household: {
    head: { name: '张建国', idNumber: HEAD_ID, phone: '13800000000' },
    members: [],
    villageCode: '611002100201',
    address: '一组 12 号',
    annualNetIncomePerCapita: 5200,
    category: 'edge_easily_poor',
    riskTypes: ['illness'],
    narrative: '户主患病，医疗支出大',
    source: 'self_declared',
  },
});

/** A tiny group served alongside the real meta handler, to drive the shared edge over HTTP. */
const TEST_CATALOG = declareRoutes({
  echo: {
    method: 'POST',
    path: '/api/echo',
    group: 'test',
    summary: 'echo',
    body: applicationSchema,
    status: 201,
    response: z.object({ villageCode: z.string(), caller: z.string() }),
  },
  item: {
    method: 'GET',
    path: '/api/items/{itemId}',
    group: 'test',
    summary: 'item',
    params: z.object({ itemId: z.string().regex(/^[a-z]+-[a-z]+$/) }),
    query: z.object({ limit: z.coerce.number().int().max(100).optional(), tag: z.string().optional() }),
    response: z.unknown(),
  },
  conflict: { method: 'POST', path: '/api/conflict', group: 'test', summary: 'conflict', response: z.null() },
  boom: { method: 'POST', path: '/api/boom', group: 'test', summary: 'boom', response: z.null() },
  page: { method: 'GET', path: '/api/page', group: 'test', summary: 'page', response: z.string() },
});

const silentLogger = new Logger({ serviceName: 'edge-test', logLevel: 'SILENT' });

const testHandler = routeGroup(
  'test',
  {
    echo: ({ body, user }) => ({
      villageCode: body.household.villageCode,
      caller: user.username,
    }),
    item: ({ params, query }) => ({ params, query }),
    conflict: () => {
      throw new DomainError('conflict', 'the case was changed by someone else', [
        { path: 'version', rule: 'stale_version' },
      ]);
    },
    boom: () => {
      throw new Error('connection string postgres://secret@db');
    },
    page: ({ user }) =>
      rawBody(`<p>你好 ${user.name}</p>`, 'text/html; charset=utf-8', {
        'content-security-policy': "default-src 'none'",
      }),
  },
  // a test group with no table: its reads are recorded nowhere
  { catalog: TEST_CATALOG, logger: silentLogger, accessLog: false },
);

let server: RunningHttpServer;
let staticDir: string;
const SECRET = randomBytes(32);
const auth = createLocalAuth(SECRET);

/** A local-shaped admin token signed with `secret`, with only the time claims given. */
function signAs(secret: Uint8Array, claims: { iat?: number; exp?: number }): Promise<string> {
  const jwt = new SignJWT({ role: 'admin', jurisdiction: '611002', name: 'x', username: 'admin' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('demo-admin')
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE);
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  return jwt.sign(secret);
}

beforeAll(async () => {
  staticDir = await mkdtemp(join(tmpdir(), 'edge-static-'));
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>控制台</title>');
  await writeFile(join(staticDir, 'app.js'), 'console.log(1)');
  await mkdir(join(staticDir, 'assets'));
  await writeFile(join(staticDir, 'assets', 'inbox-3f2a9c.js'), 'console.log(2)');
  const meta = lambdaInvoker(metaHandler, 'meta');
  const test = lambdaInvoker(testHandler, 'test');
  server = await startHttpServer({
    port: 0,
    auth,
    staticDir,
    routes: [
      ...ROUTES.filter((r) => r.group === 'meta').map((r) => ({ ...r, authorized: r.auth, invoke: meta })),
      ...routeList(TEST_CATALOG).map((r) => ({ ...r, authorized: r.auth, invoke: test })),
    ],
  });
});

afterAll(async () => {
  await server?.close();
  await rm(staticDir, { recursive: true, force: true });
});

const tokenOf = async (username: string) => (await auth.login(username, 'demo')).token;

function post(path: string, body: string | undefined, token?: string, contentType = 'application/json') {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body,
  });
}

/** A raw request, for paths a URL parser would normalise (`..`). */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, method: 'GET', agent: false },
      (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', fail);
    req.end();
  });
}

describe('requests Node refuses before any handler', () => {
  it('a request line over the header limit → a small 400 in the contract’s shape, naming the rule', async () => {
    const res = await fetch(`${server.url}/api/cases/${'x'.repeat(20_000)}`);
    const body = await res.json();

    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(body).toEqual({
      error: {
        code: 'invalid_input',
        message: expect.any(String),
        details: [{ path: '(request)', rule: 'max_header_size', message: expect.any(String) }],
      },
    });
  });
});

describe('meta routes', () => {
  it('GET /health answers 200 ok with JSON no-store headers', async () => {
    const res = await fetch(`${server.url}/health`);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    // `now` is the clock the console counts days left from (simulated under TIME_SCALE)
    expect(await res.json()).toEqual({ status: 'ok', now: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  it('GET /openapi.json is an OpenAPI 3.1 document listing every route with bearer security on auth routes', async () => {
    const res = await fetch(`${server.url}/openapi.json`);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    };

    expect(res.status).toBe(200);
    expect(doc.openapi).toBe('3.1.0');
    for (const r of ROUTES) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(Boolean(op?.security), `${r.method} ${r.path} security`).toBe(r.auth);
      if (r.auth) expect(op?.responses['401']).toBeDefined();
    }
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['CaseFiling', 'CaseView', 'TaskView', 'AuditRecord', 'ChainStatus', 'Error']),
    );
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});

describe('local login', () => {
  it('signs a token for a demo user', async () => {
    const res = await post('/api/auth/login', JSON.stringify({ username: 'township', password: 'demo' }));
    const body = (await res.json()) as { token: string; user: { role: string; jurisdiction: string } };

    expect(res.status).toBe(200);
    expect(body.user).toMatchObject({ role: 'township_reviewer', jurisdiction: '611002100' });
    expect(await auth.verify(body.token)).toMatchObject({ sub: 'demo-township', iss: 'local' });
  });

  it('refuses a wrong password with 401 unauthorized', async () => {
    const res = await post('/api/auth/login', JSON.stringify({ username: 'township', password: 'nope' }));

    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('names the bad fields of a malformed login body', async () => {
    const res = await post('/api/auth/login', JSON.stringify({ username: '', extra: 1 }));
    const { error } = (await res.json()) as { error: { code: string; details: { path: string }[] } };

    expect(res.status).toBe(400);
    expect(error.code).toBe('invalid_input');
    expect(error.details.map((d) => d.path).sort()).toEqual(['extra', 'password', 'username']);
  });
});

describe('authorizer', () => {
  it('answers 401 in the contract shape when the token is missing', async () => {
    const res = await post('/api/echo', JSON.stringify(validApplication()));

    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: { code: 'unauthorized', message: expect.any(String), details: [] },
    });
  });

  it('answers 401 for a token signed with another secret', async () => {
    const other = createLocalAuth(randomBytes(32));
    const { token } = await other.login('admin', 'demo');

    const res = await post('/api/echo', JSON.stringify(validApplication()), token);

    expect(res.status).toBe(401);
  });

  it('passes the verified identity to the action', async () => {
    const res = await post('/api/echo', JSON.stringify(validApplication()), await tokenOf('village'));

    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ villageCode: '611002100201', caller: 'village' });
  });
});

describe('input validation', () => {
  it("rejects unparsable JSON with 400 naming '(body)'", async () => {
    const res = await post('/api/echo', '{"procedure": ', await tokenOf('applicant'));

    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        code: 'invalid_input',
        message: expect.any(String),
        details: [{ path: '(body)', rule: 'json', message: expect.any(String) }],
      },
    });
  });

  it('rejects a body that is not declared JSON', async () => {
    const res = await post(
      '/api/echo',
      JSON.stringify(validApplication()),
      await tokenOf('applicant'),
      'text/plain',
    );
    const { error } = (await res.json()) as { error: { details: { path: string; rule: string }[] } };

    expect(res.status).toBe(400);
    expect(error.details).toEqual([{ path: '(body)', rule: 'content_type', message: expect.any(String) }]);
  });

  it('lists every bad field with its path and rule', async () => {
    const app = validApplication();
    const body = {
      ...app,
      household: {
        ...app.household,
        head: {
          ...app.household.head,
          idNumber: `${HEAD_ID.slice(0, 17)}${HEAD_ID[17] === '0' ? '1' : '0'}`,
        },
        villageCode: '6110021002',
        riskTypes: [],
        category: 'rich',
        unexpected: true,
      },
    };

    const res = await post('/api/echo', JSON.stringify(body), await tokenOf('applicant'));
    const { error } = (await res.json()) as {
      error: { code: string; details: { path: string; rule: string }[] };
    };

    expect(res.status).toBe(400);
    expect(error.code).toBe('invalid_input');
    expect(error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'household.head.idNumber', rule: 'resident_id_check_digit' }),
        expect.objectContaining({ path: 'household.villageCode', rule: 'village_code' }),
        expect.objectContaining({ path: 'household.riskTypes', rule: 'min_items' }),
        expect.objectContaining({ path: 'household.category', rule: 'invalid_value' }),
        expect.objectContaining({ path: 'household.unexpected', rule: 'unknown_field' }),
      ]),
    );
    expect(error.details).toHaveLength(5);
  });

  it('validates path and query parameters under params. and query.', async () => {
    const res = await fetch(`${server.url}/api/items/Bad%20Id?limit=1000`, {
      headers: { authorization: `Bearer ${await tokenOf('auditor')}` },
    });
    const { error } = (await res.json()) as { error: { details: { path: string }[] } };

    expect(res.status).toBe(400);
    expect(error.details.map((d) => d.path).sort()).toEqual(['params.itemId', 'query.limit']);
  });

  it('decodes path parameters and comma-joins repeated query parameters, as API Gateway does', async () => {
    const res = await fetch(`${server.url}/api/items/ab%2Dcd?limit=5&tag=a&tag=b`, {
      headers: { authorization: `Bearer ${await tokenOf('auditor')}` },
    });

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ params: { itemId: 'ab-cd' }, query: { limit: 5, tag: 'a,b' } });
  });
});

describe('error size', () => {
  type Details = { error: { details: { path: string; rule: string }[] } };
  const riskTypesBody = (items: number) => {
    const app = validApplication();
    return JSON.stringify({ ...app, household: { ...app.household, riskTypes: Array(items).fill(1) } });
  };

  it.each([120_000, 130_000])('answers %i bad riskTypes with one small 400', async (items) => {
    const body = riskTypesBody(items);
    expect(body.length).toBeGreaterThan(239_000);

    const res = await post('/api/echo', body, await tokenOf('applicant'));
    const text = await res.text();

    expect(res.status).toBe(400);
    expect(text.length).toBeLessThanOrEqual(64 * 1024);
    expect((JSON.parse(text) as Details).error.details).toEqual([
      expect.objectContaining({ path: 'household.riskTypes', rule: 'too_big' }),
    ]);
  });

  it('lists at most 50 details, then one too_many_issues', async () => {
    const app = validApplication();
    const junk = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i]));
    const res = await post(
      '/api/echo',
      JSON.stringify({ ...app, household: { ...app.household, ...junk } }),
      await tokenOf('applicant'),
    );
    const text = await res.text();
    const { details } = (JSON.parse(text) as Details).error;

    expect(res.status).toBe(400);
    expect(text.length).toBeLessThanOrEqual(64 * 1024);
    expect(details).toHaveLength(51);
    expect(details.slice(0, 50).every((d) => d.rule === 'unknown_field')).toBe(true);
    expect(details[50]).toEqual(expect.objectContaining({ path: '(request)', rule: 'too_many_issues' }));
  });

  it('clips a path built from a huge key', async () => {
    const res = await post(
      '/api/echo',
      JSON.stringify({ ...validApplication(), ['x'.repeat(200_000)]: 1 }),
      await tokenOf('applicant'),
    );
    const text = await res.text();
    const [detail] = (JSON.parse(text) as Details).error.details;

    expect(res.status).toBe(400);
    expect(text.length).toBeLessThan(2_000);
    expect(detail).toEqual(expect.objectContaining({ rule: 'unknown_field' }));
    expect(detail!.path.length).toBeLessThanOrEqual(201);
  });
});

describe('non-JSON bodies', () => {
  it('send a RawBody as is with its content type, no-store and nosniff', async () => {
    const res = await fetch(`${server.url}/api/page`, {
      headers: { authorization: `Bearer ${await tokenOf('village')}` },
    });

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'");
    expect(await res.text()).toMatch(/^<p>你好 .+<\/p>$/);
  });

  it('still answer errors as contract JSON', async () => {
    const res = await fetch(`${server.url}/api/page`);

    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/json');
  });
});

describe('errors', () => {
  it('maps a DomainError to its status and the contract shape', async () => {
    const res = await post('/api/conflict', undefined, await tokenOf('county'));

    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error: {
        code: 'conflict',
        message: 'the case was changed by someone else',
        details: [{ path: 'version', rule: 'stale_version' }],
      },
    });
  });

  it('turns an unexpected throw into 500 internal without leaking the message or a stack', async () => {
    const res = await post('/api/boom', undefined, await tokenOf('county'));
    const text = await res.text();

    expect(res.status).toBe(500);
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'internal error', details: [] } });
    expect(text).not.toMatch(/secret|postgres|at .*\.ts/);
  });

  it('answers 404 in the contract shape for an unknown route and for a known path with another method', async () => {
    const unknown = await fetch(`${server.url}/api/nothing`);
    const wrongMethod = await fetch(`${server.url}/api/echo`);

    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect(wrongMethod.status).toBe(404);
  });
});

describe('console files', () => {
  it('serves files with their content type and index.html for client-side routes', async () => {
    const js = await fetch(`${server.url}/app.js`);
    const page = await fetch(`${server.url}/cases/123`);

    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('console.log(1)');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('控制台');
  });

  it('lets a browser keep the hashed assets for good and revalidate the page on every visit', async () => {
    const asset = await fetch(`${server.url}/assets/inbox-3f2a9c.js`);
    const page = await fetch(`${server.url}/inbox`);
    const other = await fetch(`${server.url}/app.js`);

    expect(await asset.text()).toBe('console.log(2)');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    // a file outside assets/ has no hash in its name: it is revalidated too
    expect(other.headers.get('cache-control')).toBe('no-cache');
  });

  it('never serves a file outside the static directory', async () => {
    const res = await rawGet('/../../etc/passwd');

    expect(res.status).toBe(404);
    expect(res.body).not.toContain('root:');
  });
});

describe('identity claims', () => {
  it("accepts Cognito's custom: claims and falls back to cognito:username for the name", () => {
    const user = userFromClaims({
      sub: 'abc',
      'cognito:username': 'li',
      'custom:role': 'county_reviewer',
      'custom:jurisdiction': '611002',
    });

    expect(user).toEqual({
      sub: 'abc',
      username: 'li',
      name: 'li',
      role: 'county_reviewer',
      jurisdiction: '611002',
    });
  });

  it('refuses claims that do not make a user with 401, naming the claim', () => {
    const attempt = () =>
      userFromClaims({ sub: 'abc', username: 'x', role: 'mayor', jurisdiction: '611002' });

    expect(attempt).toThrow(expect.objectContaining({ code: 'unauthorized' }));
    try {
      attempt();
    } catch (e) {
      expect((e as DomainError).details).toEqual([expect.objectContaining({ path: 'claims.role' })]);
    }
  });
});

describe('route groups', () => {
  it('refuse to build when they disagree with the route catalogue', () => {
    const build = () =>
      // the compiler refuses this too; a group built from untyped input is refused at cold start
      routeGroup('test', { echo: () => null } as never, { catalog: TEST_CATALOG });

    expect(build).toThrow(/GET \/api\/items\/\{itemId\} has no handler/);
  });
});

describe('local auth', () => {
  it('has the demo users of docs/operations.md', () => {
    expect(DEMO_USERS.map((u) => `${u.username}:${u.role}:${u.jurisdiction}`)).toEqual([
      'applicant:applicant:611002100201',
      'village:village_reviewer:611002100201',
      'township:township_reviewer:611002100',
      'county:county_reviewer:611002',
      'auditor:auditor:611002',
      'admin:admin:611002',
      'village2:village_reviewer:611002101202',
      'township2:township_reviewer:611002101',
      'village_b:village_reviewer:611002100201',
      'township_b:township_reviewer:611002100',
    ]);
  });

  it('keeps the signing secret in a 0600 file so tokens survive a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'edge-secret-'));
    try {
      const first = createLocalAuth(await loadOrCreateSecret(dir));
      const { token } = await first.login('admin', 'demo');

      const second = createLocalAuth(await loadOrCreateSecret(dir));

      expect(await second.verify(token)).toMatchObject({ sub: 'demo-admin', role: 'admin' });
      expect((await stat(join(dir, 'jwt-secret'))).mode & 0o777).toBe(0o600);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a token without exp or iat, or one older than a login gives, even signed right', async () => {
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: { iat?: number; exp?: number }) => signAs(SECRET, claims);

    expect(await auth.verify(await sign({ iat: now, exp: now + 3600 }))).toMatchObject({ sub: 'demo-admin' });
    expect(await auth.verify(await sign({ iat: now }))).toBeNull();
    expect(await auth.verify(await sign({ exp: now + 3600 }))).toBeNull();
    expect(await auth.verify(await sign({ iat: now - 13 * 3600, exp: now + 3600 * 24 * 365 }))).toBeNull();
  });

  it('answers 401 over HTTP for a token without exp signed with the server secret', async () => {
    const res = await fetch(`${server.url}/api/items/ab-cd`, {
      headers: { authorization: `Bearer ${await signAs(SECRET, { iat: Math.floor(Date.now() / 1000) })}` },
    });

    expect(res.status).toBe(401);
  });

  it('refuses an unknown user like a wrong password', async () => {
    await expect(auth.login('nobody', 'demo')).rejects.toMatchObject({ code: 'unauthorized' });
  });
});
