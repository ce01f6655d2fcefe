import { beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioEnv } from '../../bench/reliability/lib/gateway';
import { soak } from '../../bench/reliability/scenarios/soak';
import { resultLine } from '../../bench/reliability/lib/result';
import { testScenarioEnv } from './env';

describe('reliability: load', () => {
  let env: ScenarioEnv;
  beforeAll(async () => {
    env = await testScenarioEnv();
  });

  it('soaks briefly with shadow on for the sessions family: error rate 0, no fd growth', async () => {
    // Shedding off: a shared test machine can keep a loop busy enough to shed (shedding.test.ts covers it).
    const result = await soak(env, { rps: 20, durationMs: 6_000, sampleMs: 1_500, overrides: { LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION: '0' } });
    // Six seconds say nothing about slopes (RSS, loop lag): those checks belong to the 10-minute soak
    // of `npm run reliability`; here only what cannot depend on machine speed: no errors, no fd growth.
    const timing = /slope/i;
    expect(result.checks.filter((c) => !c.ok && !timing.test(c.what)), resultLine(result)).toEqual([]);
  }, 60_000);
});
