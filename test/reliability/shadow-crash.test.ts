import { beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioEnv } from '../../bench/reliability/lib/gateway';
import { shadowCrash } from '../../bench/reliability/scenarios/shadow-crash';
import { resultLine } from '../../bench/reliability/lib/result';
import { testScenarioEnv } from './env';

// The fast size of `npm run reliability`'s gateway-crash-shadow-queue: a real gateway process is
// SIGKILLed right after its last shadowed answer, with samples still queued (one shadow worker);
// a second process accounts for every sample. Deterministic: an answer leaves fig only once its
// in-flight ledger entry is in Redis, so no kill timing can lose a sample uncounted.
describe('reliability: gateway crash with shadow samples queued', () => {
  let env: ScenarioEnv;
  beforeAll(async () => {
    env = await testScenarioEnv();
  });

  it('ends every shadowed request as exactly one sample row, counting the ones lost in the crash', async () => {
    const result = await shadowCrash(env, { requests: 120, expireAlive: true, recoverCapMs: 30_000 });
    expect(result.checks.filter((c) => !c.ok), resultLine(result)).toEqual([]);
    expect(result.pass).toBe(true);
  }, 120_000);
});
