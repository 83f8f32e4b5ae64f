import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { withLambdaContext } from '../commons/logger.ts';
import { withObservability } from '../commons/observability.ts';
import { type Deps, sharedDeps } from '../services/deps.ts';
import { asStepError } from './transient.ts';

/**
 * `$$.Execution.StartTime` in a step's input, as epoch ms: waits end by the execution's renewal
 * (core/execution.ts). Optional, so a step still runs for an execution of a version that did not pass it.
 */
export const executionStart = z.iso
  .datetime({ offset: true })
  .transform((s) => Date.parse(s))
  .optional();

/**
 * A state-machine step: Powertools logging, metrics and tracing, the input parsed with its schema (a malformed input is a bug in
 * the definition and fails the step, which the workflow's Catch turns into a case error), one call into the
 * services. Thrown errors keep their name, which Step Functions matches in Retry/Catch, except a throttled or
 * briefly failing AWS call, renamed TransientError so the task retries it with backoff.
 */
export function step<S extends z.ZodType, R>(schema: S, run: (input: z.infer<S>, deps: Deps) => Promise<R>) {
  return middy<unknown, R, Error, Context>()
    .use(withLambdaContext())
    .use(withObservability())
    .handler(async (event) => {
      const input = schema.parse(event);
      try {
        return await run(input, sharedDeps());
      } catch (e) {
        throw asStepError(e);
      }
    });
}
