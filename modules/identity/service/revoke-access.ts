import { permsVersionKey } from '../access-tokens';
import * as repo from '../repo';
import { sessionRevokedKey } from '../revocation';
import type { IdentityDeps } from './context';

/*
 * Ending access tokens before they expire. Postgres holds the truth (perms_version, revoked
 * session families); Redis carries it to the hot path (modules/identity/revocation.ts). A failed
 * publish is counted and logged: the Postgres fallback still answers when Redis is down.
 */

/** Make every access token of the user older than now invalid (role change, logout-all, reset). */
export async function bumpPermsVersion(ctx: IdentityDeps, userId: string): Promise<number> {
  const pv = await repo.bumpPermsVersionAsOwner(ctx.db, userId);
  await publishPermsVersion(ctx, userId, pv);
  return pv;
}

/** Publish the user's permission version for the hot-path check. */
export async function publishPermsVersion(ctx: IdentityDeps, userId: string, pv: number): Promise<void> {
  await ctx.redis
    .set(permsVersionKey(ctx.config.REDIS_PREFIX, userId), String(pv), 'EX', ctx.config.ACCESS_TOKEN_TTL_S + 60)
    .catch((err: Error) => {
      ctx.onRedisFallback?.('revocation_publish', 'skipped');
      ctx.log.warn({ err: err.message, userId }, 'could not publish permission version');
    });
}

/** Make the access tokens of a session family invalid now (logout, refresh-token reuse). */
export async function endAccessForFamily(ctx: IdentityDeps, familyId: string): Promise<void> {
  await ctx.redis
    .set(sessionRevokedKey(ctx.config.REDIS_PREFIX, familyId), '1', 'EX', ctx.config.ACCESS_TOKEN_TTL_S + 60)
    .catch((err: Error) => {
      ctx.onRedisFallback?.('revocation_publish', 'skipped');
      ctx.log.warn({ err: err.message, familyId }, 'could not publish session revocation');
    });
}
