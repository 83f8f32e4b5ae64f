import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { logger as sharedLogger } from '../../commons/logger.ts';
import { issuesToDetails } from '../../core/decisions.ts';
import { DomainError } from '../../core/errors.ts';
import { errorResponse, STATUS_BY_CODE } from './json-response.ts';

/**
 * Maps any error to the contract's error response: a DomainError keeps its code, message and details; a zod
 * error (a schema parse nobody caught) is invalid input; anything else is a 500 with a generic message, so
 * no stack or internal message ever reaches a client. The error itself is logged instead.
 */
export function toErrorResponse(
  error: unknown,
  logger: Logger = sharedLogger,
): APIGatewayProxyStructuredResultV2 {
  if (error instanceof DomainError) {
    if (STATUS_BY_CODE[error.code] >= 500) logger.error('domain error', { code: error.code, error });
    else logger.debug('request refused', { code: error.code });
    return errorResponse(error.code, error.message, error.details);
  }
  if (error instanceof z.ZodError) {
    logger.debug('request refused', { code: 'invalid_input' });
    return errorResponse('invalid_input', 'the request is not valid', issuesToDetails(error.issues));
  }
  logger.error('unhandled error', { error: error instanceof Error ? error : String(error) });
  return errorResponse('internal', 'internal error');
}

/** The one error middleware of every API handler: it answers with `toErrorResponse` and never rethrows. */
export const httpErrors = (
  logger: Logger = sharedLogger,
): MiddlewareObj<unknown, APIGatewayProxyStructuredResultV2> => ({
  onError: (request) => {
    request.response = toErrorResponse(request.error, logger);
  },
});
