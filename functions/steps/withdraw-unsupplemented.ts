import { z } from 'zod';
import { withdrawUnsupplemented } from '../services/workflow.ts';
import { step } from './step.ts';

/** The supplement wait timed out: withdraw the case, saying why. */
export const handler = step(z.object({ caseId: z.string() }), (input, deps) =>
  withdrawUnsupplemented(deps, input.caseId),
);
