import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ErrorBody, ErrorCode } from '../../../schemas/records.ts';
import { capDetails, type ErrorDetail } from '../../core/errors.ts';

/** Every JSON response carries these: API data is per user and must never sit in a shared cache. */
export const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

/** HTTP status of each contract error code. */
export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  internal: 500,
  unavailable: 503,
};

/** A JSON response; `undefined` body (e.g. 204) sends none. */
export function jsonResponse(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return body === undefined
    ? { statusCode, headers: { 'cache-control': 'no-store' } }
    : { statusCode, headers: { ...JSON_HEADERS }, body: JSON.stringify(body) };
}

/** The contract's error body, exactly `errorSchema`, its details capped (errors.ts capDetails). */
export function errorBody(code: ErrorCode, message: string, details: readonly ErrorDetail[] = []): ErrorBody {
  return {
    error: {
      code,
      message,
      details: capDetails(details).map((d) => ({
        path: d.path,
        rule: d.rule,
        ...(d.message === undefined ? {} : { message: d.message }),
      })),
    },
  };
}

/** An error response with the status its code maps to. */
export const errorResponse = (code: ErrorCode, message: string, details: readonly ErrorDetail[] = []) =>
  jsonResponse(STATUS_BY_CODE[code], errorBody(code, message, details));
