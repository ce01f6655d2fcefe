import type { Redis } from 'ioredis';

export interface ThrottleOptions {
  prefix: string;
  accountThreshold: number;
  ipThreshold: number;
  baseMs: number;
  maxMs: number;
  failWindowS: number;
}

/** `account`: attempts on an email from devices it never signed in from; `device`: from one known device. */
export type ThrottleScope = 'account' | 'device' | 'ip';

export interface Lock {
  scope: ThrottleScope;
  ms: number;
  level: number;
}

export type Attempt =
  { allowed: true } | { allowed: false; scope: ThrottleScope; retryAfterMs: number; newLock?: Lock };

// One bucket = three keys: lock (PX), try (attempts in the window), level (lockouts within a day).
// Locks a bucket unless it is locked already; returns {new?, ms, level}.
const LOCK_FN = `
local function lock(lockK, tryK, levelK, base, max)
  local left = redis.call('PTTL', lockK)
  if left > 0 then return {0, left, 0} end
  local level = redis.call('INCR', levelK)
  redis.call('EXPIRE', levelK, 86400)
  local ms = math.floor(math.min(base * 2 ^ (level - 1), max))
  redis.call('SET', lockK, '1', 'PX', ms)
  redis.call('DEL', tryK)
  return {1, ms, level}
end
`;

// KEYS: per bucket (ip first, then account or device) lock, try, level.
// ARGV: base, max, window, then per bucket threshold.
// Counts the attempt before the password is checked, in one atomic step: N parallel attempts
// can never all pass a threshold of 5 (at most 5 reserve a slot; the rest are refused).
const RESERVE = `${LOCK_FN}
local base, max, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local n = #KEYS / 3
for b = 0, n - 1 do
  local left = redis.call('PTTL', KEYS[b * 3 + 1])
  if left > 0 then return {b, left, 0, 0} end
end
for b = 0, n - 1 do
  local tries = tonumber(redis.call('GET', KEYS[b * 3 + 2]) or '0')
  if tries >= tonumber(ARGV[4 + b]) then
    local r = lock(KEYS[b * 3 + 1], KEYS[b * 3 + 2], KEYS[b * 3 + 3], base, max)
    return {b, r[2], r[1], r[3]}
  end
end
for b = 0, n - 1 do
  if redis.call('INCR', KEYS[b * 3 + 2]) == 1 then redis.call('EXPIRE', KEYS[b * 3 + 2], window) end
end
return {-1, 0, 0, 0}
`;

// After a wrong password: lock every bucket whose reserved attempts reached its threshold.
const FAILED = `${LOCK_FN}
local base, max = tonumber(ARGV[1]), tonumber(ARGV[2])
local out = {}
for b = 0, #KEYS / 3 - 1 do
  local tries = tonumber(redis.call('GET', KEYS[b * 3 + 2]) or '0')
  if tries >= tonumber(ARGV[4 + b]) then
    local r = lock(KEYS[b * 3 + 1], KEYS[b * 3 + 2], KEYS[b * 3 + 3], base, max)
    if r[1] == 1 then table.insert(out, {b, r[2], r[3]}) end
  end
end
return out
`;

/**
 * Brute-force protection in Redis, shared by every gateway process (OWASP: throttle, don't let
 * strangers lock an owner out). Every sign-in attempt reserves a slot in its buckets before the
 * password is verified, in one Lua call:
 * - ip: all attempts from one client address (password spraying across accounts);
 * - account: attempts on an email (existing or not, so locking reveals nothing) from devices that
 *   never signed in to it;
 * - device: attempts on an email from a device holding that account's device cookie (a browser
 *   that signed in before) — a separate budget, so failures from elsewhere never lock it.
 * A bucket that reaches its threshold in the window is locked for baseMs, doubling with every
 * further lockout within a day, capped at maxMs (a progressive delay answered with Retry-After).
 * A success releases the bucket it used and the IP's reserved slot; it never clears an IP count.
 */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly o: ThrottleOptions,
  ) {}

  private bucketKeys(scope: ThrottleScope, id: string): string[] {
    const s = { account: 'a', device: 'd', ip: 'i' }[scope];
    return (['lock', 'fail', 'level'] as const).map((k) => `${this.o.prefix}auth:${k}:${s}:${id}`);
  }

  private buckets(email: string, ip: string, deviceId: string | undefined) {
    const own: [ThrottleScope, string, number] = deviceId
      ? ['device', `${email}:${deviceId}`, this.o.accountThreshold]
      : ['account', email, this.o.accountThreshold];
    const list: Array<[ThrottleScope, string, number]> = [['ip', ip, this.o.ipThreshold], own];
    return {
      scopes: list.map((b) => b[0]),
      keys: list.flatMap(([scope, id]) => this.bucketKeys(scope, id)),
      args: [this.o.baseMs, this.o.maxMs, this.o.failWindowS, ...list.map((b) => b[2])],
    };
  }

  /** Count this attempt and say whether its password may be checked (atomic across processes). */
  async reserve(email: string, ip: string, deviceId?: string): Promise<Attempt> {
    const b = this.buckets(email, ip, deviceId);
    const [i, ms, isNew, level] = (await this.redis.eval(
      RESERVE,
      b.keys.length,
      ...b.keys,
      ...b.args,
    )) as number[];
    if (i! < 0) return { allowed: true };
    const scope = b.scopes[i!]!;
    return {
      allowed: false,
      scope,
      retryAfterMs: ms!,
      ...(isNew === 1 ? { newLock: { scope, ms: ms!, level: level! } } : {}),
    };
  }

  /** Record a wrong password for a reserved attempt; returns the buckets it locked. */
  async fail(email: string, ip: string, deviceId?: string): Promise<Lock[]> {
    const b = this.buckets(email, ip, deviceId);
    const locked = (await this.redis.eval(FAILED, b.keys.length, ...b.keys, ...b.args)) as number[][];
    return locked.map(([i, ms, level]) => ({ scope: b.scopes[i!]!, ms: ms!, level: level! }));
  }

  /** A right password: release the bucket used and give the IP its slot back. */
  async succeed(email: string, ip: string, deviceId?: string): Promise<void> {
    const [ipKeys, ownKeys] = [
      this.bucketKeys('ip', ip),
      this.bucketKeys(deviceId ? 'device' : 'account', deviceId ? `${email}:${deviceId}` : email),
    ];
    await this.redis
      .multi()
      .del(...ownKeys)
      .eval(
        `if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end`,
        1,
        ipKeys[1]!,
      )
      .exec();
  }
}
