import { Logger } from '@aws-lambda-powertools/logger';

/** One structured logger per process (Powertools); never given bodies or ID numbers. */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'assistance-approvals',
});
