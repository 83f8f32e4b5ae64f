import { z } from 'zod';
import { startPublicity } from '../services/workflow.ts';
import { step } from './step.ts';

/** Starts publicity; returns `{ endsAt }` for the Wait. */
export const handler = step(z.object({ caseId: z.string() }), (input, deps) =>
  startPublicity(deps, input.caseId),
);
