import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';

/** The error name every state machine retries with backoff and jitter (workflows/procedure-workflow.ts). */
export const TRANSIENT_ERROR = 'TransientError';

/**
 * An AWS call that failed for a reason that passes — throttled, timed out, a 5xx, a connection reset — after the
 * SDK's own retries. Thrown by a step under one name, so its task's Retry can wait and run the step again (steps
 * are idempotent) instead of the Catch marking the case ERROR for good.
 */
export class TransientError extends Error {
  override readonly name = TRANSIENT_ERROR;

  constructor(cause: Error) {
    super(`${cause.name}: ${cause.message}`, { cause });
  }
}

/** Cancellation reasons DynamoDB gives a transaction refused for capacity rather than for its conditions. */
const CAPACITY_REASONS = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded']);

/** Whether `e` is an AWS failure that a later attempt may not meet (the SDK's own classification). */
export function isTransient(e: unknown): e is Error {
  if (!(e instanceof Error)) return false;
  // biome-ignore lint/suspicious/noExplicitAny: the classifiers read the SDK's error metadata loosely
  const sdkError = e as any;
  if (isThrottlingError(sdkError) || isTransientError(sdkError) || isServerError(sdkError)) return true;
  if (e instanceof TransactionCanceledException) {
    const codes = (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None').filter((c) => c !== 'None');
    return codes.length > 0 && codes.every((c) => CAPACITY_REASONS.has(c));
  }
  return false;
}

/** `e`, renamed TransientError when it is one; anything else keeps its own name. */
export const asStepError = (e: unknown): unknown => (isTransient(e) ? new TransientError(e) : e);
