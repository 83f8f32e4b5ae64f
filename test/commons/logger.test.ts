import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../functions/commons/logger.ts';
import { PHONE_REDACTED } from '../../functions/core/masking.ts';
import { maskId } from '../../schemas/resident-id.ts';
import { residentId } from '../support/fixtures.ts';

const ID = residentId(31);

afterEach(() => vi.restoreAllMocks());

/** What the shared logger writes (stdout and stderr) while `log` runs. */
function written(log: () => void): string {
  const out: string[] = [];
  const capture = (chunk: unknown) => {
    out.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  log();
  vi.restoreAllMocks();
  return out.join('');
}

describe('the shared logger', () => {
  it('masks ID and phone numbers in messages, attributes and errors (message and stack)', () => {
    const text = written(() =>
      logger.error(`failed for ABC${ID}`, {
        note: '电话 138-1234-5678',
        error: new Error(`transaction on ${ID} cancelled`),
      }),
    );

    expect(text).toContain(`ABC${maskId(ID)}`);
    expect(text).toContain(PHONE_REDACTED);
    expect(text).not.toContain(ID);
    expect(text.replace(/\D/g, '')).not.toContain('13812345678');
    const line = JSON.parse(text) as { error: { message: string; stack: string } };
    expect(line.error.message).toBe(`transaction on ${maskId(ID)} cancelled`);
    expect(line.error.stack).not.toContain(ID);
  });
});
