import { createTestDb, legacyUrl } from '../helpers';
import type { ScenarioEnv } from '../../bench/reliability/lib/gateway';

/** A scenario environment for a test file: its own database, the run's legacy service, real Redis. */
export async function testScenarioEnv(): Promise<ScenarioEnv> {
  return {
    databaseUrl: await createTestDb(),
    legacyUrl: legacyUrl(),
    // CI may point Redis elsewhere (service containers), as in test/helpers.ts.
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
}
