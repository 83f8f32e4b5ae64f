import type { ErrorCode } from '../../schemas/records.ts';

export interface ErrorDetail {
  path: string;
  rule: string;
  message?: string;
}

/** A failure the domain means to report: code maps to one HTTP status, details name fields and rules. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DomainError';
  }
}

export const invalid = (message: string, details: ErrorDetail[]) =>
  new DomainError('invalid_input', message, details);
export const forbidden = (message: string, details: ErrorDetail[] = []) =>
  new DomainError('forbidden', message, details);
export const notFound = (what: string) => new DomainError('not_found', `${what} not found`);
export const conflict = (message: string, details: ErrorDetail[] = []) =>
  new DomainError('conflict', message, details);
