import type { Redis } from 'ioredis';

export interface ThrottleOptions {
  prefix: string;
  accountThreshold: number;
  ipThreshold: number;
  baseMs: number;
  maxMs: number;
  failWindowS: number;
}

export interface LockState {
  locked: boolean;
  retryAfterMs: number;
  scope?: 'account' | 'ip';
}

/**
 * Brute-force protection in Redis, shared by every gateway process: failed sign-ins are counted
 * per account (email, existing or not, so locking reveals nothing) and per IP within a window.
 * Reaching the threshold locks that scope for baseMs, doubling with each further lockout within
 * a day (progressive), capped at maxMs. Locks expire by Redis TTL; a success clears the account's
 * counters (never the IP's: one valid account must not reset an attacker's IP count).
 */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly o: ThrottleOptions,
  ) {}

  private key(kind: 'fail' | 'lock' | 'level', scope: 'a' | 'i', id: string) {
    return `${this.o.prefix}auth:${kind}:${scope}:${id}`;
  }

  async check(email: string, ip: string): Promise<LockState> {
    const [a, i] = await Promise.all([
      this.redis.pttl(this.key('lock', 'a', email)),
      this.redis.pttl(this.key('lock', 'i', ip)),
    ]);
    if (a > 0) return { locked: true, retryAfterMs: a, scope: 'account' };
    if (i > 0) return { locked: true, retryAfterMs: i, scope: 'ip' };
    return { locked: false, retryAfterMs: 0 };
  }

  /** Count a failure; returns the scopes locked by this very failure (with their duration). */
  async fail(
    email: string,
    ip: string,
  ): Promise<Array<{ scope: 'account' | 'ip'; ms: number; level: number }>> {
    const locked: Array<{ scope: 'account' | 'ip'; ms: number; level: number }> = [];
    for (const [scope, id, threshold] of [
      ['a', email, this.o.accountThreshold],
      ['i', ip, this.o.ipThreshold],
    ] as const) {
      const failKey = this.key('fail', scope, id);
      const [[, count]] = (await this.redis
        .multi()
        .incr(failKey)
        .expire(failKey, this.o.failWindowS, 'NX')
        .exec()) as [[unknown, number]];
      if (count >= threshold) {
        const levelKey = this.key('level', scope, id);
        const [[, level]] = (await this.redis
          .multi()
          .incr(levelKey)
          .expire(levelKey, 86_400)
          .del(failKey)
          .exec()) as [[unknown, number]];
        const ms = Math.min(this.o.baseMs * 2 ** (level - 1), this.o.maxMs);
        await this.redis.set(this.key('lock', scope, id), '1', 'PX', ms);
        locked.push({ scope: scope === 'a' ? 'account' : 'ip', ms, level });
      }
    }
    return locked;
  }

  async succeed(email: string): Promise<void> {
    await this.redis.del(this.key('fail', 'a', email), this.key('level', 'a', email));
  }
}
