import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorCodeOf, plainCause, stepFailure } from '../../functions/core/failure.ts';
import { maskId } from '../../schemas/resident-id.ts';
import { residentId } from '../support/fixtures.ts';

const ID = residentId(41);

/** A thrown handler error as Step Functions reports it (Error = type, Cause = JSON with the trace). */
const lambdaCause = (message: string, type = 'Error') =>
  JSON.stringify({
    errorType: type,
    errorMessage: message,
    trace: [
      `${type}: ${message}`,
      '    at openStage (file:///var/task/index.mjs:10:5)',
      '    at C:\\build\\functions\\services\\workflow.ts:12:7',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    ],
  });

describe('plainCause', () => {
  it('keeps a Lambda failure’s type and message, drops its trace', () => {
    expect(plainCause('DomainError', lambdaCause('case c1 not found', 'DomainError'))).toBe(
      'DomainError: case c1 not found',
    );
  });

  it('takes file paths, file URLs and Node internals out of the message, and masks personal data', () => {
    const message = `read /var/task/functions/store/store.mjs:40:3 for ${ID} via file:///opt/x/y.js and node:internal/fs`;

    expect(plainCause('Error', lambdaCause(message))).toBe(
      `Error: read [path] for ${maskId(ID)} via [path] and [path]`,
    );
  });

  it('reads a cause stored by older versions: `Type: {json}`, even cut short before its end', () => {
    const old = `TypeError: ${lambdaCause('x is undefined', 'TypeError')}`;

    expect(plainCause(undefined, old)).toBe('TypeError: x is undefined');
    expect(plainCause(undefined, old.slice(0, 80))).not.toContain('trace');
  });

  it('removes stack frame lines of a plain-text cause and keeps at most 500 characters', () => {
    const text = `Error: boom\n    at f (/srv/app/a.js:1:1)\n    at g (/srv/app/b.js:2:2)\n${'x'.repeat(2000)}`;

    const out = plainCause(undefined, text);

    expect(out.startsWith('Error: boom x')).toBe(true);
    expect(out).not.toContain('/srv');
    expect(out.length).toBeLessThanOrEqual(500);
    expect(plainCause(undefined, undefined)).toBe('unknown error');
  });

  it('property: whatever the message, no trace, path or full ID number survives', () => {
    const segment = fc.string({ unit: fc.constantFrom('a', 'b', '_', '.', '1'), minLength: 1, maxLength: 6 });
    const path = fc.array(segment, { minLength: 2, maxLength: 5 }).map((s) => `/${s.join('/')}:3:9`);
    const words = fc.array(fc.oneof(fc.string({ maxLength: 8 }), path, fc.constant(ID)), { maxLength: 6 });
    fc.assert(
      fc.property(words, fc.boolean(), (parts, asLambda) => {
        const message = parts.join(' ');

        const out = plainCause('Error', asLambda ? lambdaCause(message) : message);

        expect(out).not.toContain('index.mjs');
        expect(out).not.toContain('processTicksAndRejections');
        expect(out).not.toContain(ID);
        expect(out).not.toMatch(/\/[\w.]+\/[\w.]+:\d+:\d+/);
      }),
    );
  });
});

describe('errorCodeOf and stepFailure', () => {
  it('tells a timeout and an unexpected route from any other failure', () => {
    expect(errorCodeOf('States.Timeout')).toBe('step_timed_out');
    expect(errorCodeOf('UnexpectedRoute')).toBe('unexpected_route');
    expect(errorCodeOf('Lambda.ServiceException')).toBe('step_failed');
    expect(errorCodeOf(undefined)).toBe('step_failed');
    expect(stepFailure({ Error: 'States.Timeout', Cause: 'task timed out' })).toEqual({
      code: 'step_timed_out',
      cause: 'States.Timeout: task timed out',
    });
  });
});
