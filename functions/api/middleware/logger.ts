import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';

/**
 * The API's structured logger. Settings come from the Powertools environment variables
 * (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL) that the function construct sets.
 * Never log request bodies, tokens or ID numbers: events are not logged, only route keys and error codes.
 */
export const apiLogger = new Logger({ serviceName: 'assistance-approvals-api' });

/** Middy middleware adding the Lambda context to every log line; keys appended per request are reset after it. */
export const withLambdaContext = (logger: Logger = apiLogger) =>
  injectLambdaContext(logger, { logEvent: false, resetKeys: true });
