import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { User } from '../../../schemas/records.ts';
import { isRecordedRead, type Read, recordRead } from '../../services/audit.ts';
import { sharedDeps } from '../../services/deps.ts';
import { userFromClaims } from './identity.ts';

/** Where a recorded read goes. */
export type ReadRecorder = (user: User, read: Read) => Promise<void>;

/** The access log in the table (services/audit recordRead), on the process's shared deps. */
export const storeRecorder: ReadRecorder = (user, read) => recordRead(sharedDeps(), user, read);

/** The caller of a request, or undefined on a public route (no verified claims, or none that make a user). */
function callerOf(event: APIGatewayProxyEventV2WithJWTAuthorizer): User | undefined {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  if (!claims) return undefined;
  try {
    return userFromClaims(claims);
  } catch {
    // an authorized route answered 401 before any 2xx: only a public route gets here
    return undefined;
  }
}

/**
 * Records a read in the access log once it succeeded (2xx) and before its response leaves: every read an
 * auditor makes, and other staff's reads of households' personal data (services/audit isRecordedRead). When the
 * record cannot be written the read fails (500, via the error middleware): no read goes unrecorded.
 */
export function accessLog(
  recorder: ReadRecorder,
): MiddlewareObj<APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2> {
  return {
    after: async ({ event, response }) => {
      const status = response?.statusCode ?? 0;
      if (status < 200 || status >= 300) return;
      const user = callerOf(event);
      if (!user || !isRecordedRead(user.role, event.routeKey)) return;
      await recorder(user, {
        route: event.routeKey,
        requestId: event.requestContext.requestId,
        status,
        params: event.pathParameters,
        query: event.queryStringParameters,
      });
    },
  };
}
