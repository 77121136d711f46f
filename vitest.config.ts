import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/no-leftovers.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // End-to-end files each build their own testbed; two cores, so two at a time.
    maxWorkers: 2,
  },
});
