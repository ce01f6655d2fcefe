import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../../core/config';
import type { Db } from '../../core/db';
import type { Rbac } from '../../tenancy/index';
import type { AccessTokens } from '../access-tokens';
import { LoginThrottle } from '../login-throttle';
import type { RedisFallback } from '../revocation';
import type { SessionBody } from '../schema';
import { mintSignedToken, type TokenPurpose } from '../secret-tokens';

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export interface IssuedSession {
  body: SessionBody;
  refreshToken: string;
  /** Device cookie to (re)set after a password sign-in. */
  deviceToken?: string;
}

export interface IdentityDeps {
  db: Db;
  redis: Redis;
  config: Config;
  accessTokens: AccessTokens;
  rbac: Rbac;
  log: FastifyBaseLogger;
  /** Counts security checks that could not use Redis (a Prometheus counter in the app). */
  onRedisFallback?: RedisFallback;
}

/** What every identity use case receives: the deps and the one login throttle built on them. */
export interface IdentityContext extends IdentityDeps {
  throttle: LoginThrottle;
}

/** The context for these deps (one login throttle per service instance). */
export function identityContext(deps: IdentityDeps): IdentityContext {
  const c = deps.config;
  const throttle = new LoginThrottle(deps.redis, {
    prefix: c.REDIS_PREFIX,
    accountThreshold: c.AUTH_LOCKOUT_THRESHOLD,
    ipThreshold: c.AUTH_LOCKOUT_IP_THRESHOLD,
    baseMs: c.AUTH_LOCKOUT_BASE_MS,
    maxMs: c.AUTH_LOCKOUT_MAX_MS,
    failWindowS: c.AUTH_FAIL_WINDOW_S,
  });
  return { ...deps, throttle };
}

/** The signing secrets (the first signs; all verify). */
export function secrets(ctx: IdentityDeps): string[] {
  return ctx.accessTokens.keys.map((k) => k.secret);
}

/** A signed single-use token for a mailed link. */
export function mintLinkToken(ctx: IdentityDeps, purpose: TokenPurpose): { token: string; hash: string } {
  return mintSignedToken(secrets(ctx)[0]!, purpose);
}
