import { describe, expect, it } from 'vitest';
// The lint rule is plain JavaScript beside eslint.config.js; its decisions are tested here.
import { boundaryProblem } from '../eslint-boundaries.js';

describe('the boundaries lint rule (DESIGN.md Layout)', () => {
  it.each([
    ['modules/plans/index.ts', '../../gateway/config', /must not import gateway/],
    ['legacy-shadow/http/service.ts', '../../gateway/routing/index', /must not import gateway/],
    ['gateway/plugins/auth.ts', '../../modules/identity/revocation', /through its index.ts/],
    ['legacy-shadow/parity/runner.ts', '../../modules/parity/repo', /through its index.ts/],
    ['modules/identity/service.ts', '../tenancy/repo', /through its index.ts/],
    ['web/src/features/parity/types.ts', '../../../../modules/parity/service/create-report', /through its index.ts/],
    ['modules/engine/compile.ts', '../plans/index', /pure/],
    ['modules/engine/evaluate.ts', 'node:fs', /pure/],
    ['web/src/features/plans/components/plan-page.tsx', '../../routes/api/get-routes', /must not import feature 'routes'/],
  ])('refuses %s importing %s', (from, spec, message) => {
    expect(boundaryProblem(from, spec)).toMatch(message);
  });

  it.each([
    ['gateway/modules.ts', '../modules/identity/index'],
    ['gateway/app.ts', '../modules/core/module'],
    ['modules/plans/service/lock-plan.ts', '../repo'],
    ['modules/plans/index.ts', '../engine/index'],
    ['legacy-shadow/parity/runner.ts', '../../modules/parity/index'],
    ['web/src/features/parity/types.ts', '../../../../modules/parity/schema'],
    ['modules/engine/cli.ts', 'node:fs'],
    ['modules/plans/routes.test.ts', '../../gateway/app'],
    ['web/src/app/routes.tsx', '../features/plans/components/plan-page'],
  ])('allows %s importing %s', (from, spec) => {
    expect(boundaryProblem(from, spec)).toBeUndefined();
  });
});
