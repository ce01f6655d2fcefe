import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';

const SERVED_FLUSH_MS = 1_000;

/**
 * Module-side answers (canary/new) per route version and minute, for the auto-rollback error
 * budget: counted in memory on the request path, flushed to one Redis hash per minute every
 * second (one pipeline for every route), and before this process reads, so every gateway
 * process sees every other's answers.
 */
export class ServedCounter {
  private timer: NodeJS.Timeout | undefined;
  /** Answers not yet in Redis: `<minute>\n<routeKey>@<version>` → counts. */
  private served = new Map<string, { n: number; e: number }>();

  constructor(private readonly deps: { redis: Redis; log: FastifyBaseLogger; redisPrefix: string }) {}

  /** Start the periodic flush. */
  start(): void {
    this.timer = setInterval(() => void this.flush(), SERVED_FLUSH_MS);
    this.timer.unref();
  }

  /** Stop the periodic flush and write what is counted. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  /** Count one module-side answer (5xx count as errors). */
  record(routeKey: string, version: number, status: number): void {
    const minute = Math.floor(Date.now() / 60_000);
    const key = `${minute}\n${routeKey}@${version}`;
    let acc = this.served.get(key);
    if (!acc) this.served.set(key, (acc = { n: 0, e: 0 }));
    acc.n++;
    if (status >= 500) acc.e++;
  }

  /** Write the counters accumulated since the last flush (one Redis pipeline). */
  async flush(): Promise<void> {
    if (this.served.size === 0) return;
    const batch = this.served;
    this.served = new Map();
    const pipe = this.deps.redis.pipeline();
    const hashes = new Set<string>();
    for (const [key, acc] of batch) {
      const cut = key.indexOf('\n');
      const hash = `${this.deps.redisPrefix}shadow:served:${key.slice(0, cut)}`;
      const field = key.slice(cut + 1);
      pipe.hincrby(hash, `${field}|n`, acc.n);
      if (acc.e) pipe.hincrby(hash, `${field}|e`, acc.e);
      hashes.add(hash);
    }
    for (const hash of hashes) pipe.expire(hash, 3 * 3600);
    await pipe.exec().catch((err) => this.deps.log.debug({ err }, 'served counters not recorded'));
  }

  /** Module-side answers and 5xx of a route at one version (since its last flip) over the last `windowSeconds` (minute granularity). */
  async counts(routeKey: string, version: number, windowSeconds: number): Promise<{ requests: number; errors: number }> {
    await this.flush();
    const field = `${routeKey}@${version}`;
    const now = Math.floor(Date.now() / 60_000);
    const first = Math.floor((Date.now() - windowSeconds * 1000) / 60_000);
    const pipe = this.deps.redis.pipeline();
    for (let m = first; m <= now; m++) pipe.hmget(`${this.deps.redisPrefix}shadow:served:${m}`, `${field}|n`, `${field}|e`);
    let requests = 0;
    let errors = 0;
    for (const [err, v] of (await pipe.exec()) ?? []) {
      if (err || !v) continue;
      const [n, e] = v as [string | null, string | null];
      requests += Number(n ?? 0);
      errors += Number(e ?? 0);
    }
    return { requests, errors };
  }
}
