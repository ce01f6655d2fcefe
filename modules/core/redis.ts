import { Redis } from 'ioredis';

/** A Redis client for commands; pub/sub subscribers need their own (see `duplicate()`). */
export function createRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
}
export type { Redis };
