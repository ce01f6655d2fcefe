import { Redis } from 'ioredis';

/**
 * Reconnect back-off: 50 ms doubling to at most 1 s (plus jitter). ioredis' default grows to 5 s,
 * and with the offline queue every command waits for maxRetriesPerRequest reconnect attempts: in
 * an outage a sign-in then hung 10-15 s before failing closed (bench/reliability, redis-down).
 * Capped, a command fails within about 2 s and fig notices Redis back within about 1 s.
 */
const retryStrategy = (times: number) => Math.min(2 ** (times - 1) * 50, 1_000) + Math.floor(Math.random() * 100);

/** A Redis client for commands; pub/sub subscribers need their own (see `duplicate()`). */
export function createRedis(url: string): Redis {
  // commandTimeout: a Redis that accepts but never answers (paused, overloaded) fails a command
  // after 5 s instead of holding the request forever.
  const redis = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false, retryStrategy, commandTimeout: 5_000 });
  // Once a connection that worked is lost, commands fail at once (each caller has its documented
  // fallback: docs/security.md, docs/reliability.md) instead of queueing behind reconnect attempts;
  // the queue is back when Redis is. Commands sent before the first connect still wait for it.
  redis.on('reconnecting', () => {
    redis.options.enableOfflineQueue = false;
  });
  redis.on('ready', () => {
    redis.options.enableOfflineQueue = true;
  });
  return redis;
}
export type { Redis };
