import { z } from 'zod';
import { renewExecution } from '../services/resume.ts';
import { step } from './step.ts';

/** The execution reached its renewal (core/execution.ts): a fresh one takes the case on at its stage. */
export const handler = step(z.object({ caseId: z.string(), executionName: z.string() }), (input, deps) =>
  renewExecution(deps, input.caseId, input.executionName, 'horizon'),
);
