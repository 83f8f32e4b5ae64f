import { z } from 'zod';
import { countyCodeSchema } from '../../schemas/common.ts';
import { storeTimingSamples } from '../services/timing-samples.ts';
import { step } from '../steps/step.ts';

/**
 * Not a workflow task: EventBridge Scheduler invokes it every hour (infra/constructs/timing-samples-job.ts; the
 * local runtime's scheduler alike) with the counties the deployment serves. It stores the timing samples the
 * stage-timing reports read (functions/services/timing-samples.ts). The counties are named because the records are
 * found by a Query of each county's timing partitions, never a Scan.
 */
export const handler = step(z.object({ counties: z.array(countyCodeSchema).min(1) }).loose(), (input, deps) =>
  storeTimingSamples(deps, input.counties),
);
