import type { Redis } from 'ioredis';

/** A legacy anonymous session, exactly as legacy's JSON has it. */
export interface Session {
  id: string;
  data: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  expires_at: string;
}

/**
 * Sessions in Redis: one string key per session (JSON, expiring at expires_at) and one sorted
 * set ordering live sessions by creation (score = created_at ms; ties by id, like legacy's
 * `order by created_at, id`). Expired ids are swept from the index on every list.
 */
export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(id: string): string {
    return `${this.prefix}sessions:s:${id}`;
  }

  private get index(): string {
    return `${this.prefix}sessions:index`;
  }

  private get expiries(): string {
    return `${this.prefix}sessions:expiries`;
  }

  /** A live session, or undefined. */
  async find(id: string, now = Date.now()): Promise<Session | undefined> {
    const raw = await this.redis.get(this.key(id));
    if (!raw) return undefined;
    const s = JSON.parse(raw) as Session;
    return Date.parse(s.expires_at) <= now ? undefined : s;
  }

  /** Write a session (create or replace). `onlyIfAbsent` keeps an existing one (backfill). */
  async put(s: Session, opts: { onlyIfAbsent?: boolean } = {}): Promise<boolean> {
    const expiresMs = Date.parse(s.expires_at);
    if (!(expiresMs > Date.now())) return false;
    const args: [string, string, 'PXAT', number] = [this.key(s.id), JSON.stringify(s), 'PXAT', expiresMs];
    const set = opts.onlyIfAbsent ? await this.redis.set(...args, 'NX') : await this.redis.set(...args);
    if (set !== 'OK') return false;
    await this.redis
      .multi()
      .zadd(this.index, Date.parse(s.created_at), s.id)
      .zadd(this.expiries, expiresMs, s.id)
      .exec();
    return true;
  }

  /** Remove a session; false when there was none. */
  async remove(id: string): Promise<boolean> {
    const [[, n]] = (await this.redis.multi().del(this.key(id)).zrem(this.index, id).zrem(this.expiries, id).exec()) as [[Error | null, number]];
    return n === 1;
  }

  /** Live sessions, oldest first, with the total. */
  async list(limit: number, offset: number, now = Date.now()): Promise<{ items: Session[]; total: number }> {
    const expired = await this.redis.zrangebyscore(this.expiries, '-inf', now);
    if (expired.length) {
      await this.redis
        .multi()
        .zrem(this.index, ...expired)
        .zrem(this.expiries, ...expired)
        .exec();
    }
    const [total, ids] = await Promise.all([this.redis.zcard(this.index), this.redis.zrange(this.index, String(offset), String(offset + limit - 1))]);
    if (!ids.length) return { items: [], total };
    const raws = await this.redis.mget(...ids.map((id) => this.key(id)));
    const items = raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as Session);
    return { items, total };
  }
}
