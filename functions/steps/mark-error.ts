import { z } from 'zod';
import { markCaseError } from '../services/cases.ts';
import { step } from './step.ts';

const errorSchema = z.object({ Error: z.string().optional(), Cause: z.string().optional() }).partial();

/** An unexpected failure: the case is marked ERROR with its cause, never left silently stuck. */
export const handler = step(
  z.object({ caseId: z.string(), error: errorSchema.optional() }),
  async (input, deps) => {
    const cause = [input.error?.Error, input.error?.Cause].filter(Boolean).join(': ') || 'unknown error';
    await markCaseError(deps, input.caseId, cause);
    return { caseId: input.caseId, status: 'error' as const };
  },
);
