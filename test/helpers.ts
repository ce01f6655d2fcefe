import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../gateway/config';
import { createDb, type Db } from '../modules/core/db';
import { buildApp, type BuildOptions } from '../gateway/app';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/** A fresh database for one test file, cloned from the migrated template of this run. */
export async function createTestDb(): Promise<string> {
  const name = `fig_t_${inject('runId')}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database "${name}" template "${inject('templateDb')}"`);
        break;
      } catch (err) {
        // Another clone of the template may be in flight; it is brief.
        if (attempt >= 20 || !/being accessed by other users/.test((err as Error).message)) throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const url = new URL(inject('adminDatabaseUrl'));
  url.pathname = `/${name}`;
  return url.toString();
}

/** URL of the real legacy FastAPI service started for this test run. */
export const legacyUrl = (): string => inject('legacyUrl');

/** A Config for tests: fresh database (unless given), random Redis prefix, the real legacy service. */
export async function testConfig(overrides: Record<string, string> = {}): Promise<Config> {
  const databaseUrl = overrides.DATABASE_URL ?? (await createTestDb());
  return loadConfig({
    DATABASE_URL: databaseUrl,
    REDIS_PREFIX: `test:${randomBytes(6).toString('hex')}:`,
    LEGACY_URL: legacyUrl(),
    // CI may point Redis elsewhere (service containers); the harness is the one place besides config.ts that looks.
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    LOG_LEVEL: 'silent',
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    COOKIE_SECURE: 'false',
    PORT: '0',
    // app.inject and the tests' own sockets come from loopback, as through a local reverse proxy:
    // their X-Request-Id and X-Forwarded-For count. A test of an untrusted client injects with
    // another `remoteAddress`, or passes TRUSTED_PROXIES: '' (the production default, none).
    TRUSTED_PROXIES: '127.0.0.1,::1',
    // Load shedding judges the event loop, which a shared test machine (and a test process that is
    // also the client) keeps busy: off unless a test is about it (test/reliability).
    LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0',
    LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION: '0',
    ...overrides,
  });
}

/** Build the real app on a fresh database; the caller closes it. */
export async function buildTestApp(overrides: Record<string, string> = {}, opts: BuildOptions = {}) {
  const config = await testConfig(overrides);
  const app = await buildApp(config, { logger: false, ...opts });
  await app.ready();
  return { app, config };
}

/**
 * A Kysely on the owner connection (MIGRATION_DATABASE_URL) of `config`'s database, for tests that
 * must see past RLS or act as a superuser (app.db is the app's own role). The caller destroys it.
 */
export function ownerDb(config: Config): Db {
  return createDb(config.MIGRATION_DATABASE_URL, { max: 1 });
}
