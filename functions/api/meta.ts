import { systemClock } from '../commons/clock.ts';
import { routeGroup } from './http.ts';
import { openApiDocument } from './openapi.ts';

/** The 'meta' route group: liveness and the OpenAPI document, both public. */
export const handler = routeGroup('meta', {
  // `now` is the system clock (simulated locally under TIME_SCALE): the console counts days left from it.
  getHealth: () => ({ status: 'ok', now: new Date(systemClock.now()).toISOString() }),
  getOpenApiDocument: () => openApiDocument(),
});
