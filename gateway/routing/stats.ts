import type { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import type { RouteStats } from './schema';

/** Latency bucket upper bounds in ms; the last bucket is open-ended. */
const BOUNDS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000];
export const STATS_WINDOW_MINUTES = 15;
const FLUSH_MS = 1000;

interface Acc {
  n: number;
  e: number;
  b: number[];
}

/**
 * Per-route recent traffic for the console (requests, 5xx errors, p50/p99 over the last
 * 15 minutes), shared by every gateway process: each process accumulates in memory and
 * flushes once a second into one Redis hash per minute (`<prefix>stats:<minute>`, fields
 * `<key>|n`, `<key>|e`, `<key>|b<i>`), which expires after the window. Percentiles are
 * interpolated inside latency buckets, so they are approximate (good to a bucket).
 */
export class RouteStatsRecorder {
  private pending = new Map<number, Map<string, Acc>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  /** Count one answered request (cheap, in memory). */
  record(key: string, status: number, ms: number, now = Date.now()): void {
    const minute = Math.floor(now / 60_000);
    let byKey = this.pending.get(minute);
    if (!byKey) this.pending.set(minute, (byKey = new Map()));
    let acc = byKey.get(key);
    if (!acc) byKey.set(key, (acc = { n: 0, e: 0, b: new Array<number>(BOUNDS_MS.length + 1).fill(0) }));
    acc.n++;
    if (status >= 500) acc.e++;
    let i = 0;
    while (i < BOUNDS_MS.length && ms > BOUNDS_MS[i]!) i++;
    acc.b[i]!++;
  }

  /** Write what was accumulated to Redis (one pipeline). */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const pipe = this.redis.pipeline();
    for (const [minute, byKey] of batch) {
      const hash = `${this.prefix}stats:${minute}`;
      for (const [key, acc] of byKey) {
        pipe.hincrby(hash, `${key}|n`, acc.n);
        if (acc.e) pipe.hincrby(hash, `${key}|e`, acc.e);
        acc.b.forEach((c, i) => {
          if (c) pipe.hincrby(hash, `${key}|b${i}`, c);
        });
      }
      pipe.expire(hash, (STATS_WINDOW_MINUTES + 2) * 60);
    }
    try {
      await pipe.exec();
    } catch (err) {
      this.log.warn({ err }, 'could not flush route stats to redis');
    }
  }

  /** Stats of the last 15 minutes per route key, summed over every process. */
  async read(now = Date.now()): Promise<Map<string, RouteStats>> {
    const current = Math.floor(now / 60_000);
    const pipe = this.redis.pipeline();
    for (let m = current - STATS_WINDOW_MINUTES + 1; m <= current; m++) pipe.hgetall(`${this.prefix}stats:${m}`);
    const sums = new Map<string, Acc>();
    try {
      const results = (await pipe.exec()) ?? [];
      for (const [err, hash] of results) {
        if (err || !hash) continue;
        for (const [field, value] of Object.entries(hash as Record<string, string>)) {
          const bar = field.lastIndexOf('|');
          const key = field.slice(0, bar);
          const what = field.slice(bar + 1);
          let acc = sums.get(key);
          if (!acc) sums.set(key, (acc = { n: 0, e: 0, b: new Array<number>(BOUNDS_MS.length + 1).fill(0) }));
          const v = Number(value);
          if (what === 'n') acc.n += v;
          else if (what === 'e') acc.e += v;
          else acc.b[Number(what.slice(1))]! += v;
        }
      }
    } catch (err) {
      this.log.warn({ err }, 'could not read route stats from redis');
    }
    const out = new Map<string, RouteStats>();
    for (const [key, acc] of sums) out.set(key, summarise(acc));
    return out;
  }
}

export const emptyStats = (): RouteStats => ({
  requests: 0,
  errors: 0,
  errorRate: 0,
  p50Ms: null,
  p99Ms: null,
  windowSeconds: STATS_WINDOW_MINUTES * 60,
});

function summarise(acc: Acc): RouteStats {
  return {
    requests: acc.n,
    errors: acc.e,
    errorRate: acc.n ? acc.e / acc.n : 0,
    p50Ms: percentile(acc.b, acc.n, 0.5),
    p99Ms: percentile(acc.b, acc.n, 0.99),
    windowSeconds: STATS_WINDOW_MINUTES * 60,
  };
}

/** Linear interpolation inside the bucket holding the q-th observation. */
function percentile(buckets: number[], n: number, q: number): number | null {
  if (!n) return null;
  const rank = q * n;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    const c = buckets[i]!;
    if (c && seen + c >= rank) {
      const lo = i === 0 ? 0 : BOUNDS_MS[i - 1]!;
      const hi = BOUNDS_MS[i] ?? lo * 2;
      return Math.round((lo + ((rank - seen) / c) * (hi - lo)) * 100) / 100;
    }
    seen += c;
  }
  return BOUNDS_MS[BOUNDS_MS.length - 1]!;
}
