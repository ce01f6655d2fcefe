import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legacyDown } from '../../bench/reliability/scenarios/legacy-down';
import { legacySlow } from '../../bench/reliability/scenarios/legacy-slow';
import { startRelay, type Relay } from '../../bench/reliability/lib/relay';
import { resultLine } from '../../bench/reliability/lib/result';
import type { ScenarioEnv } from '../../bench/reliability/lib/gateway';
import { testScenarioEnv } from './env';

// The fast sizes of `npm run reliability`'s legacy scenarios (bench/reliability): seconds each.
describe('reliability: legacy failures under load', () => {
  let env: ScenarioEnv;
  let relay: Relay;
  beforeAll(async () => {
    env = await testScenarioEnv();
    // Legacy "killed": the relay in front of the shared legacy service stops listening (ECONNREFUSED).
    relay = await startRelay(new URL(env.legacyUrl).host);
  });
  afterAll(async () => {
    await relay.close();
  });

  it('answers 502 problem+json at once while legacy is gone, opens the circuit, and recovers without a restart', async () => {
    const result = await legacyDown(env, { url: `http://${relay.address}`, kill: () => relay.cut(), start: () => relay.restore() }, { rps: 40, upMs: 800, outageMs: 1_500, connectTimeoutMs: 1_000 });
    expect(result.checks.filter((c) => !c.ok), resultLine(result)).toEqual([]);
    expect(result.pass).toBe(true);
  });

  it('answers 504 at the upstream timeout for a slow route while other routes stay fast', async () => {
    const result = await legacySlow(env, { rps: 30, durationMs: 2_500, timeoutMs: 700, slowMs: 5_000, slowConcurrency: 4 });
    expect(result.checks.filter((c) => !c.ok), resultLine(result)).toEqual([]);
    expect(result.pass).toBe(true);
  });
});
