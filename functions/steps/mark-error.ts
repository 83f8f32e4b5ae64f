import { z } from 'zod';
import { countEvent, METRIC } from '../commons/observability.ts';
import { stepFailure } from '../core/failure.ts';
import { markCaseError } from '../services/cases.ts';
import { step } from './step.ts';

const errorSchema = z.object({ Error: z.string().optional(), Cause: z.string().optional() }).partial();

/**
 * An unexpected failure: the case is marked ERROR, never left silently stuck. The Catch's `Cause` (for a Lambda,
 * JSON with its stack trace) is kept only as core/failure's plain cause, for admins and auditors.
 */
export const handler = step(
  z.object({ caseId: z.string(), error: errorSchema.optional() }),
  async (input, deps) => {
    await markCaseError(deps, input.caseId, stepFailure(input.error));
    countEvent(METRIC.casesInError);
    return { caseId: input.caseId, status: 'error' as const };
  },
);
