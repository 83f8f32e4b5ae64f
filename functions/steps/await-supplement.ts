import { z } from 'zod';
import { awaitSupplement } from '../services/workflow.ts';
import { step } from './step.ts';

/** Callback step: binds the token to the returned case; the supplement API completes it. */
export const handler = step(z.object({ caseId: z.string(), taskToken: z.string() }), (input, deps) =>
  awaitSupplement(deps, input.caseId, input.taskToken),
);
