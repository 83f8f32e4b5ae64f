import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddlewareObj } from '@middy/core';
import { logger } from './logger.ts';

/** How Powertools Metrics' warning for an invocation that recorded no metric begins. */
const NO_METRICS_WARNING = 'No application metrics to publish';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'assistance-approvals';

/** CloudWatch namespace of every metric this system emits (the dashboard and alarms read it). */
export const METRICS_NAMESPACE = 'AssistanceApprovals';

/** Names of the metrics the system emits; infra/constructs/operations.ts alarms and charts them. */
export const METRIC = {
  /** an API request answered, by route (dimension `route`) */
  requests: 'ApiRequests',
  /** answered 5xx: a failure of ours (alarmed) */
  serverErrors: 'ApiServerErrors',
  /** answered 4xx: the caller's mistake or a refused rule, never alarmed as a failure */
  clientErrors: 'ApiClientErrors',
  /** a case marked ERROR by the workflow */
  casesInError: 'CasesMarkedError',
  /** an overdue task escalated to the next level up */
  tasksEscalated: 'TasksEscalated',
} as const;

/**
 * Powertools Metrics: EMF lines in the function's log, flushed once per invocation (no API calls). The local
 * runtime and the tests set POWERTOOLS_METRICS_DISABLED, so they print none.
 */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
  serviceName,
  // Its warnings go to the structured log, except the one for an invocation without metrics: most step
  // invocations record none by design, and a line for each would be all the log says.
  logger: {
    debug: (...a: unknown[]) => logger.debug(String(a[0])),
    info: (...a: unknown[]) => logger.info(String(a[0])),
    error: (...a: unknown[]) => logger.error(String(a[0])),
    warn: (...a: unknown[]) => {
      if (!String(a[0]).startsWith(NO_METRICS_WARNING)) logger.warn(String(a[0]));
    },
  },
});

/** Powertools Tracer: segments per invocation and per AWS call; a no-op outside Lambda or with tracing off. */
export const tracer = new Tracer({ serviceName });

/** Traces the handler, and flushes the invocation's metrics (and a cold-start count): use it outermost. */
export const withObservability = (): MiddlewareObj[] => [
  captureLambdaHandler(tracer, { captureResponse: false }),
  logMetrics(metrics, { captureColdStartMetric: true }),
];

/** `ok`, `client` (4xx: refused, not a failure) or `server` (5xx: ours) for an HTTP status. */
export const statusClass = (status: number): 'ok' | 'client' | 'server' =>
  status >= 500 ? 'server' : status >= 400 ? 'client' : 'ok';

/**
 * Counts every answered request per route, and its 4xx or 5xx apart. Use it after withObservability (which
 * flushes) and before the error middleware: middy runs onError handlers last-registered first, so this one sees
 * the response that middleware made from a DomainError (a 4xx, not a failure) as well as a real failure (500).
 */
export function routeMetrics(
  routeOf: (event: unknown) => string,
): MiddlewareObj<unknown, { statusCode?: number } | undefined> {
  const count = (event: unknown, status: number) => {
    metrics.addDimension('route', routeOf(event));
    metrics.addMetric(METRIC.requests, MetricUnit.Count, 1);
    const kind = statusClass(status);
    if (kind === 'server') metrics.addMetric(METRIC.serverErrors, MetricUnit.Count, 1);
    if (kind === 'client') metrics.addMetric(METRIC.clientErrors, MetricUnit.Count, 1);
  };
  return {
    after: (request) => count(request.event, request.response?.statusCode ?? 200),
    onError: (request) => count(request.event, request.response?.statusCode ?? 500),
  };
}

/** Counts one domain event (a case marked error, a task escalated). */
export const countEvent = (name: (typeof METRIC)[keyof typeof METRIC]) =>
  metrics.addMetric(name, MetricUnit.Count, 1);
