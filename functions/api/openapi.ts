import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { errorSchema, loginSchema, userSchema } from '../../schemas/records.ts';
import { CSV_CONTENT_TYPE } from '../core/csv.ts';
import { ERROR_ANSWERS, paramsOf, ROUTES, type RouteDef } from './routes.ts';

const ErrorBody = errorSchema.meta({ id: 'Error' });
const User = userSchema.meta({ id: 'User' });
const Throttled = z.object({ message: z.string() }).meta({ id: 'Throttled' });

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
const errorResponse = (description: string) => ({ description, content: json(ErrorBody) });

function toRouteConfig(op: RouteDef, bearer: string): RouteConfig {
  const params = paramsOf(op);
  const responses: RouteConfig['responses'] = {
    [op.status ?? 200]: {
      description: 'Success',
      content: op.contentType
        ? { [op.contentType]: { schema: op.response } }
        : { ...json(op.response), ...(op.csv ? { [CSV_CONTENT_TYPE]: { schema: z.string() } } : {}) },
    },
    ...(op.body || op.query || params
      ? { 400: errorResponse('Invalid input; every bad field is named') }
      : {}),
  };
  if (op.auth) responses[401] = errorResponse('No or bad bearer token');
  responses[429] = {
    description: 'Throttled by API Gateway (the stage rate limit); not answered by the local runtime',
    content: json(Throttled),
  };
  for (const code of op.errors ?? [])
    responses[ERROR_ANSWERS[code][0]] = errorResponse(ERROR_ANSWERS[code][1]);
  responses[500] = errorResponse('Internal error');
  responses[503] = errorResponse(
    'Out of time (code `unavailable`): the request may or may not have taken effect; read before retrying',
  );
  return {
    method: op.method.toLowerCase() as RouteConfig['method'],
    path: op.path,
    operationId: op.operationId,
    summary: op.summary,
    tags: [op.group],
    ...(op.auth ? { security: [{ [bearer]: [] }] } : {}),
    request: {
      ...(params ? { params } : {}),
      ...(op.query ? { query: op.query } : {}),
      ...(op.body ? { body: { required: true, content: json(op.body) } } : {}),
    },
    responses,
  };
}

/** The local runtime's login (on AWS, Cognito issues the tokens). */
const LOGIN_ROUTE: RouteConfig = {
  method: 'post',
  path: '/api/auth/login',
  operationId: 'login',
  summary: 'Sign in as a demo user (local runtime only; on AWS tokens come from Cognito)',
  tags: ['local'],
  request: { body: { required: true, content: json(loginSchema.meta({ id: 'Login' })) } },
  responses: {
    200: { description: 'A bearer token', content: json(z.object({ token: z.string(), user: User })) },
    400: errorResponse('Invalid input'),
    401: errorResponse('Wrong username or password'),
  },
};

/** Builds the OpenAPI 3.1 document of contract v1 from the zod schemas: every route in `routes`. */
export function buildOpenApiDocument(routes: readonly RouteDef[] = ROUTES) {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  for (const def of routes) registry.registerPath(toRouteConfig(def, bearer.name));
  registry.registerPath(LOGIN_ROUTE);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Assistance approvals API (防止返贫动态监测审批)',
      version: '1.0.0',
      description:
        'Contract v1. Errors are always {"error": {"code", "message", "details": [{"path", "rule"}]}}; ' +
        'ID numbers in responses are masked.',
    },
    // The console, the API and this document share one origin (the local runtime, or CloudFront on AWS).
    servers: [{ url: '/', description: 'The origin that serves this document' }],
  });
}

let cached: ReturnType<typeof buildOpenApiDocument> | undefined;

/** The document for ROUTES, built once per container. */
export const openApiDocument = () => {
  cached ??= buildOpenApiDocument();
  return cached;
};
