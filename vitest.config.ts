import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['gateway/**/*.test.ts', 'modules/**/*.test.ts', 'legacy-shadow/**/*.test.ts', 'migrations/**/*.test.ts', 'web/e2e/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['node_modules/**', '.stryker-tmp/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
