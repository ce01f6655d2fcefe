import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisDown } from '../../bench/reliability/scenarios/redis-down';
import { startRelay, type Relay } from '../../bench/reliability/lib/relay';
import { resultLine } from '../../bench/reliability/lib/result';
import type { ScenarioEnv } from '../../bench/reliability/lib/gateway';
import { testScenarioEnv } from './env';

// Redis is shared: the gateway reaches it through a relay the test cuts (3 s here, 30 s in the suite).
describe('reliability: Redis outage under load', () => {
  let env: ScenarioEnv;
  let relay: Relay;
  beforeAll(async () => {
    env = await testScenarioEnv();
    relay = await startRelay(new URL(env.redisUrl).host);
  });
  afterAll(async () => {
    await relay.close();
  });

  it('keeps routing from the last table, refuses flips and fails sign-in closed, then resumes', async () => {
    const result = await redisDown(env, { redisUrl: `redis://${relay.address}`, stop: () => relay.cut(), start: () => relay.restore() }, { rps: 30, upMs: 800, outageMs: 3_000 });
    expect(result.checks.filter((c) => !c.ok), resultLine(result)).toEqual([]);
    expect(result.pass).toBe(true);
  });
});
