import { beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioEnv } from '../../bench/reliability/lib/gateway';
import { shadowCrash } from '../../bench/reliability/scenarios/shadow-crash';
import { resultLine } from '../../bench/reliability/lib/result';
import { testScenarioEnv } from './env';

// The fast size of `npm run reliability`'s gateway-crash-shadow-queue: a real gateway process is
// SIGKILLed with shadow samples queued; a second one accounts for every sample.
describe('reliability: gateway crash with shadow samples queued', () => {
  let env: ScenarioEnv;
  beforeAll(async () => {
    env = await testScenarioEnv();
  });

  it('ends every shadowed request as exactly one sample row, counting the ones lost in the crash', async () => {
    const result = await shadowCrash(env, { requests: 120 });
    expect(result.checks.filter((c) => !c.ok), resultLine(result)).toEqual([]);
    expect(result.pass).toBe(true);
  }, 400_000);
});
