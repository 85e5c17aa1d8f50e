import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    // Starts Temporal dev server, the registry, Mailpit and Redis on test ports (distinct from `npm start`'s)
    // with a fresh DATA_DIR=.data/test, and exports the settings to the test processes.
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // 2 cores: two test files at a time (workflow bundling is CPU-heavy; the servers need some CPU too).
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
