import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Db } from '../core/db';
import { permsVersionKey, type AccessClaims } from './access-tokens';
import * as repo from './repo';

/** Called when a security check could not use Redis and fell back (counted by a metric). */
export type RedisFallback = (
  check: 'login_throttle' | 'token_revocation' | 'revocation_publish',
  outcome: 'refused' | 'database' | 'skipped',
) => void;

/** Redis key marking a session family (`sid` claim) ended: logout or refresh-token reuse. */
export const sessionRevokedKey = (prefix: string, familyId: string) =>
  `${prefix}auth:sid-revoked:${familyId}`;

export interface RevocationDeps {
  redis: Redis;
  db: Db;
  prefix: string;
  log: FastifyBaseLogger;
  onFallback?: RedisFallback;
}

/**
 * Whether an access token no longer counts: the user's permission version moved past the token's
 * (role change, logout-all, password reset) or its session family ended (logout, reuse). Redis
 * answers on the hot path; when Redis fails, Postgres (the source of truth for both) answers
 * instead: neither fail-open (a logged-out token would live on) nor fail-closed (every user
 * locked out while Redis is down).
 */
export async function isAccessRevoked(
  d: RevocationDeps,
  claims: Pick<AccessClaims, 'sub' | 'pv' | 'sid'>,
): Promise<boolean> {
  try {
    const [pv, ended] = await d.redis.mget(
      permsVersionKey(d.prefix, claims.sub),
      sessionRevokedKey(d.prefix, claims.sid ?? '-'),
    );
    return (pv !== null && Number(pv) > claims.pv) || (claims.sid !== undefined && ended !== null);
  } catch (err) {
    d.onFallback?.('token_revocation', 'database');
    d.log.warn({ err: (err as Error).message }, 'token revocation checked in Postgres: redis unavailable');
    return repo.isAccessRevokedInDb(d.db, claims);
  }
}
