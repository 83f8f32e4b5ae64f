import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { maskPersonalData } from '../core/masking.ts';

/** Every string of a log line, error messages and stacks included, goes out masked (core/masking). */
export const maskingReplacer = (_key: string, value: unknown): unknown =>
  typeof value === 'string' ? maskPersonalData(value) : value;

/**
 * One structured logger per process (Powertools). Settings come from the Powertools environment variables
 * (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL) that the function construct sets. Never log request bodies,
 * tokens or ID numbers: events are not logged, only route keys, ids and error codes; and whatever an error's
 * message carries is masked on the way out.
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'assistance-approvals',
  jsonReplacerFn: maskingReplacer,
});

/** Middy middleware adding the Lambda context to every log line; keys appended per request are reset after it. */
export const withLambdaContext = (l: Logger = logger) =>
  injectLambdaContext(l, { logEvent: false, resetKeys: true });
