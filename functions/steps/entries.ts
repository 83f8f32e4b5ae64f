/**
 * State-machine step handlers by role in the workflow, relative to the repository root. The workflow
 * construct creates one Lambda per entry.
 */
export const STEP_ENTRIES = {
  openStage: 'functions/steps/open-stage.ts',
  escalate: 'functions/steps/escalate.ts',
  awaitSupplement: 'functions/steps/await-supplement.ts',
  withdrawUnsupplemented: 'functions/steps/withdraw-unsupplemented.ts',
  startPublicity: 'functions/steps/start-publicity.ts',
  closePublicity: 'functions/steps/close-publicity.ts',
  markError: 'functions/steps/mark-error.ts',
  renewExecution: 'functions/steps/renew-execution.ts',
} as const;
export type StepName = keyof typeof STEP_ENTRIES;

/** Moves in-flight cases to the newest state-machine version; invoked by the operator after a deploy. */
export const MIGRATE_ENTRY = 'functions/steps/migrate.ts';
