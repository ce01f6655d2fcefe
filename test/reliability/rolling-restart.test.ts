import { beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioEnv } from '../../bench/reliability/lib/gateway';
import { rollingRestart } from '../../bench/reliability/scenarios/rolling-restart';
import { resultLine } from '../../bench/reliability/lib/result';
import { testScenarioEnv } from './env';

// The fast size of `npm run reliability`'s gateway-sigterm-rolling: two real gateway processes
// (node:cluster), each drained by SIGTERM in turn under load. No timing in the verdict: every
// request must succeed however long the workers take to start.
describe('reliability: rolling restart of two gateway processes', () => {
  let env: ScenarioEnv;
  beforeAll(async () => {
    env = await testScenarioEnv();
  });

  it('fails no client request while each worker drains in turn', async () => {
    // The drain outlasts the client's idle keep-alive (4 s) so every idle connection is closed by the
    // client, not under it; a hang still fails (60 s), a slow shared machine does not.
    // Load shedding off: on a shared machine a worker's loop can be busy enough to shed (a refusal
    // by design, tested in shedding.test.ts), which is not what this test is about.
    const result = await rollingRestart(env, { rps: 20, slowMs: 1_000, settleMs: 1_500, drainMs: 6_000, clientTimeoutMs: 60_000, overrides: { LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION: '0' } });
    expect(result.checks.filter((c) => !c.ok), resultLine(result)).toEqual([]);
    expect(result.pass).toBe(true);
  }, 400_000);
});
