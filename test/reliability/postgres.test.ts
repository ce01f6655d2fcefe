import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresDown } from '../../bench/reliability/scenarios/postgres-down';
import { startRelay, type Relay } from '../../bench/reliability/lib/relay';
import { resultLine } from '../../bench/reliability/lib/result';
import type { ScenarioEnv } from '../../bench/reliability/lib/gateway';
import { testScenarioEnv } from './env';

// Postgres is shared by everyone's tests, so it is never stopped here: the gateway reaches it
// through a relay that the test cuts (connections dropped, new ones refused, as in a restart).
describe('reliability: Postgres outage under load', () => {
  let env: ScenarioEnv;
  let relay: Relay;
  beforeAll(async () => {
    env = await testScenarioEnv();
    relay = await startRelay(new URL(env.databaseUrl).host);
  });
  afterAll(async () => {
    await relay.close();
  });

  it('answers 503 problem+json, never 500, while Postgres is away, and recovers by itself', async () => {
    const url = new URL(env.databaseUrl);
    url.host = relay.address;
    const result = await postgresDown(env, { databaseUrl: url.toString(), stop: () => relay.cut(), start: () => relay.restore() }, { rps: 30, upMs: 1_000, outageMs: 2_000 });
    expect(result.checks.filter((c) => !c.ok), resultLine(result)).toEqual([]);
    expect(result.pass).toBe(true);
  });
});
