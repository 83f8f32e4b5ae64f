import type { ErrorCode } from '../../schemas/records.ts';

export interface ErrorDetail {
  path: string;
  rule: string;
  message?: string;
}

/** The most details one error lists; the rest are summed up in one `too_many_issues` detail. */
export const MAX_DETAILS = 50;
/** The longest `path` a detail carries: a path is built from the input's keys, and those are the caller's. */
const MAX_PATH_CHARS = 200;

const clip = (path: string) => (path.length > MAX_PATH_CHARS ? `${path.slice(0, MAX_PATH_CHARS)}…` : path);

/**
 * At most MAX_DETAILS details, each path at most MAX_PATH_CHARS, then one `too_many_issues` detail if any
 * were dropped: an error answer stays small whatever the input. Takes any iterable and reads no further than
 * it needs, so a parse with 10⁵ issues costs 51 conversions.
 */
export function capDetails(details: Iterable<ErrorDetail>): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const d of details) {
    if (out.length === MAX_DETAILS) {
      out.push({
        path: '(request)',
        rule: 'too_many_issues',
        message: `more than ${MAX_DETAILS} problems; the first ${MAX_DETAILS} are listed`,
      });
      break;
    }
    out.push(d.path.length > MAX_PATH_CHARS ? { ...d, path: clip(d.path) } : d);
  }
  return out;
}

/** A failure the domain means to report: code maps to one HTTP status, details name fields and rules. */
export class DomainError extends Error {
  readonly details: ErrorDetail[];

  constructor(
    readonly code: ErrorCode,
    message: string,
    details: Iterable<ErrorDetail> = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DomainError';
    this.details = capDetails(details);
  }
}

export const invalid = (message: string, details: Iterable<ErrorDetail>) =>
  new DomainError('invalid_input', message, details);
export const forbidden = (message: string, details: Iterable<ErrorDetail> = []) =>
  new DomainError('forbidden', message, details);
export const notFound = (what: string) => new DomainError('not_found', `${what} not found`);
export const conflict = (message: string, details: Iterable<ErrorDetail> = []) =>
  new DomainError('conflict', message, details);
