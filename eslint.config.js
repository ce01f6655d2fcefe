import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import fig from './eslint-boundaries.js';

export default tseslint.config(
  { ignores: ['node_modules', 'web/dist', 'infra', 'reports', '.stryker-tmp', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { fig },
    rules: {
      'fig/boundaries': 'error',
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Migrations describe a moment in history: Kysely<any>, never the app's table types (STYLE.md).
    files: ['migrations/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // CLIs and scripts talk to a terminal; everything else logs through pino.
    files: ['scripts/**', 'bench/**', '**/cli.ts', 'migrations/run.ts', 'test/**'],
    rules: { 'no-console': 'off' },
  },
);
