/** Scheduled jobs (not workflow steps), relative to the repository root: infra gives each its function and schedule. */
export const JOB_ENTRIES = {
  storeTimingSamples: 'functions/jobs/store-timing-samples.ts',
} as const;
