import { z } from 'zod';
import { countyCodeSchema } from '../../schemas/common.ts';
import { migrateInFlight } from '../services/resume.ts';
import { step } from './step.ts';

/**
 * Not a workflow task: the operator invokes it once after a deploy that published a new state-machine version
 * (docs/operations.md, "Deploying a new workflow version"); it moves every in-flight case of the counties it is
 * given onto that version. The counties are named because in-flight cases are found by a Query of each county's
 * active cases, never a Scan of the table.
 */
export const handler = step(z.object({ counties: z.array(countyCodeSchema).min(1) }).loose(), (input, deps) =>
  migrateInFlight(deps, input.counties),
);
