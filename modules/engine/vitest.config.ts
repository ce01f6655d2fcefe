import { defineConfig } from 'vitest/config';

// Engine-only config (no database or legacy service): used by Stryker and for fast local runs.
// The root vitest.config.ts runs these same tests as part of `npm test`.
export default defineConfig({
  test: {
    include: ['modules/engine/**/*.test.ts'],
    exclude: ['node_modules/**', '.stryker-tmp/**'],
    testTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
