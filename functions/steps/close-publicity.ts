import { z } from 'zod';
import { closePublicity } from '../services/workflow.ts';
import { step } from './step.ts';

/** Publicity ended: enrol, or route to objection review; returns the route. */
export const handler = step(z.object({ caseId: z.string() }), (input, deps) =>
  closePublicity(deps, input.caseId),
);
