import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';

/**
 * One structured logger per process (Powertools). Settings come from the Powertools environment variables
 * (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL) that the function construct sets. Never log request bodies,
 * tokens or ID numbers: events are not logged, only route keys, ids and error codes.
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'assistance-approvals',
});

/** Middy middleware adding the Lambda context to every log line; keys appended per request are reset after it. */
export const withLambdaContext = (l: Logger = logger) =>
  injectLambdaContext(l, { logEvent: false, resetKeys: true });
