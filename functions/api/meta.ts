import { route, routeGroup } from './http.ts';
import { openApiDocument } from './openapi.ts';

/** The 'meta' route group: liveness and the OpenAPI document, both public. */
export const handler = routeGroup('meta', [
  route({ method: 'GET', path: '/health', auth: false }, () => ({ status: 'ok' })),
  route({ method: 'GET', path: '/openapi.json', auth: false }, () => openApiDocument()),
]);
