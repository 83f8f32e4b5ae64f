import { z } from 'zod';
import { closePublicity } from '../services/workflow.ts';
import { step } from './step.ts';

/**
 * Publicity ended: enrol (the execution then ends), or hand the case to a fresh execution at objection review;
 * returns the route. `executionName` is absent in the input of a state-machine version published before it.
 */
export const handler = step(
  z.object({ caseId: z.string(), executionName: z.string().optional() }),
  (input, deps) => closePublicity(deps, input.caseId, input.executionName),
);
