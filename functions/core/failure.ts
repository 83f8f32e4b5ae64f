/**
 * What a case in `error` tells whom. Everyone who may see the case reads a code and a plain message; only
 * admins and auditors read the cause, and only as `plainCause` leaves it: the failure's type and message,
 * never a stack trace or a file path, personal data masked. The audit trail records the code and the message:
 * an immutable, hash-chained record must not carry a Lambda's internals.
 */
import type { Role } from '../../schemas/common.ts';
import { maskPersonalData } from './masking.ts';

export const CASE_ERROR_CODES = [
  'workflow_not_started',
  'step_failed',
  'step_timed_out',
  'unexpected_route',
] as const;
export type CaseErrorCode = (typeof CASE_ERROR_CODES)[number];

/** The plain message each code shows to applicants and reviewers. */
export const CASE_ERROR_MESSAGES: Readonly<Record<CaseErrorCode, string>> = {
  workflow_not_started:
    'the workflow of this case could not be started; the county administrators are alerted',
  step_failed: 'a workflow step of this case failed; the county administrators are alerted',
  step_timed_out: 'a workflow step of this case timed out; the county administrators are alerted',
  unexpected_route:
    'the workflow of this case reached a state it has no way on from; the county administrators are alerted',
};

/** Roles that read a failure's cause (the operators who repair it, and the auditors who check them). */
export const CAUSE_READERS: readonly Role[] = ['admin', 'auditor'];

/** A failure as the case records it: the code everyone reads, and the cause only CAUSE_READERS read. */
export interface CaseFailure {
  code: CaseErrorCode;
  cause: string;
}

/** The longest cause kept: enough for a type and a message, never a whole payload. */
const MAX_CAUSE = 500;
/** A stack frame line, as V8 prints it. */
const STACK_FRAME = /^\s*at\s.*$/gm;
/** An absolute file path, file URL or Node internal module, with its optional :line:column. */
const FILE_PATH =
  /(?:file:\/\/)?(?:[A-Za-z]:\\|\/)(?:[\w.@+-]+[\\/])+[\w.@+-]+(?::\d+){0,2}|node:[\w/.-]+(?::\d+){0,2}/g;
/** A Lambda cause's trace onwards, when its JSON was cut short and does not parse. */
const TRACE_ONWARDS = /,?\s*"trace"\s*:.*$/s;

/**
 * A Lambda failure's JSON (`{errorType, errorMessage, trace}`) inside `text` (whole, or after a `Type: ` prefix
 * as older records kept it): its type and message, the trace left behind.
 */
function lambdaFailure(text: string): { type?: string; message: string } | undefined {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(text.slice(start));
    if (!parsed || typeof parsed !== 'object' || !('errorMessage' in parsed)) return undefined;
    const { errorType, errorMessage } = parsed as { errorType?: unknown; errorMessage?: unknown };
    const prefix = text.slice(0, start).replace(/:\s*$/, '').trim();
    const type = typeof errorType === 'string' ? errorType : undefined;
    return { type: prefix || type, message: String(errorMessage ?? '') };
  } catch {
    return undefined;
  }
}

/** The code of a Step Functions error name (what a Catch puts in `$.error.Error`). */
export function errorCodeOf(errorName: string | undefined): CaseErrorCode {
  if (errorName === 'UnexpectedRoute') return 'unexpected_route';
  if (errorName === 'States.Timeout' || errorName === 'States.HeartbeatTimeout') return 'step_timed_out';
  return 'step_failed';
}

/**
 * A failure's cause fit to store: a Lambda's JSON cause (`{errorType, errorMessage, trace}`) reduced to its type
 * and message, stack frames and file paths removed, personal data masked, at most MAX_CAUSE characters.
 */
export function plainCause(errorName: string | undefined, cause: string | undefined): string {
  const raw = cause ?? '';
  const lambda = lambdaFailure(raw);
  const type = errorName ?? lambda?.type;
  const text = (lambda ? lambda.message : raw.replace(TRACE_ONWARDS, ''))
    .replace(STACK_FRAME, '')
    .replace(FILE_PATH, '[path]')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  const whole = [type, text].filter(Boolean).join(': ') || 'unknown error';
  return maskPersonalData(whole).slice(0, MAX_CAUSE);
}

/** A failure a state machine's Catch reported (`$.error`), as the case records it. */
export const stepFailure = (error: { Error?: string; Cause?: string } | undefined): CaseFailure => ({
  code: errorCodeOf(error?.Error),
  cause: plainCause(error?.Error, error?.Cause),
});

/** The message of a stored code; a code this version does not know (or none, on old records) reads as a failure. */
export const messageOf = (code: unknown): string =>
  CASE_ERROR_MESSAGES[
    (CASE_ERROR_CODES as readonly unknown[]).includes(code) ? (code as CaseErrorCode) : 'step_failed'
  ];
