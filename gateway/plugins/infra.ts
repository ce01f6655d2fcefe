import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import type { Config } from '../config';
import { createDb, type Db } from '../../modules/core/db';
import { createRedis } from '../../modules/core/redis';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
    redis: Redis;
  }
}

/**
 * Decorates the app with config, the Kysely db (as fig_service, APP_DATABASE_URL: never the owner) and
 * a Redis client; closes them with the app.
 */
export const infraPlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    // A request waits at most 10 s for a database connection; then 503 (plugins/dependency-errors.ts).
    const db = createDb(config.APP_DATABASE_URL, {
      max: config.DB_POOL_MAX,
      connectTimeoutMs: 10_000,
      onIdleError: (err) => app.log.warn({ err: err.message }, 'an idle database connection was lost; the next query opens a new one'),
    });
    const redis = createRedis(config.REDIS_URL);
    redis.on('error', (err) => app.log.warn({ err: err.message }, 'redis error'));
    app.decorate('config', config);
    app.decorate('db', db);
    app.decorate('redis', redis);
    app.addHook('onClose', async () => {
      await db.destroy();
      redis.disconnect();
    });
  },
  { name: 'infra' },
);
