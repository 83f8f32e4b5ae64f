import { systemClock } from '../commons/clock.ts';
import { route, routeGroup } from './http.ts';
import { openApiDocument } from './openapi.ts';

/** The 'meta' route group: liveness and the OpenAPI document, both public. */
export const handler = routeGroup('meta', [
  // `now` is the system clock (simulated locally under TIME_SCALE): the console counts days left from it.
  route({ method: 'GET', path: '/health', auth: false }, () => ({
    status: 'ok',
    now: new Date(systemClock.now()).toISOString(),
  })),
  route({ method: 'GET', path: '/openapi.json', auth: false }, () => openApiDocument()),
]);
