import { configDefaults, defineConfig } from 'vitest/config';

/** Reads what every other test file's handlers called, so it runs after all of them (a later group). */
const AFTER_THE_SUITE = ['test/infra/iam.test.ts'];

export default defineConfig({
  test: {
    // Forks, not threads: test files start child processes and set process.env, which threads would share.
    pool: 'forks',
    // Two cores, and DynamoDB Local's JVM needs its share.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...AFTER_THE_SUITE],
          globalSetup: ['test/support/global-setup.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'grants', include: AFTER_THE_SUITE, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
