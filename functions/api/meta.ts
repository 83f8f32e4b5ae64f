import { routeGroup } from './http.ts';
import { openApiDocument } from './openapi.ts';

/** The 'meta' route group: liveness and the OpenAPI document, both public. */
export const handler = routeGroup('meta', {
  getHealth: () => ({ status: 'ok' }),
  getOpenApiDocument: () => openApiDocument(),
});
