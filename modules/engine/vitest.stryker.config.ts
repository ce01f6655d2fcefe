import { defineConfig } from 'vitest/config';

// Mutation-testing run: the in-process engine tests only. The parity test (spawns Python) and the
// CLI test (spawns tsx) cannot attribute coverage to mutants and would only slow Stryker down.
export default defineConfig({
  test: {
    include: ['modules/engine/**/*.test.ts'],
    exclude: ['node_modules/**', '.stryker-tmp/**', 'modules/engine/parity.test.ts', 'modules/engine/cli.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
