import { z } from 'zod';
import { migrateInFlight } from '../services/resume.ts';
import { step } from './step.ts';

/**
 * Not a workflow task: the operator invokes it once after a deploy that published a new state-machine version
 * (docs/operations.md, "Deploying a new workflow version"); it moves every in-flight case onto that version.
 */
export const handler = step(z.object({}).loose(), (_input, deps) => migrateInFlight(deps));
