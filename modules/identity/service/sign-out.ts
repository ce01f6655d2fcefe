import * as repo from '../repo';
import { sha256 } from '../secret-tokens';
import type { IdentityDeps, RequestMeta } from './context';
import { bumpPermsVersion, endAccessForFamily } from './revoke-access';

/** POST /auth/logout: end the session family of this refresh token (idempotent). */
export async function signOut(ctx: IdentityDeps, token: string | undefined, meta: RequestMeta): Promise<void> {
  if (!token) return;
  const session = await repo.findSessionByHash(ctx.db, sha256(token));
  if (!session) return;
  await repo.revokeFamily(ctx.db, session.family_id, 'logout');
  await endAccessForFamily(ctx, session.family_id);
  await repo.insertAuthEvent(ctx.db, {
    type: 'logout',
    userId: session.user_id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    detail: { familyId: session.family_id },
  });
}

/** POST /auth/logout-all: end every session of the user and invalidate their access tokens now. */
export async function signOutEverywhere(ctx: IdentityDeps, userId: string, meta: RequestMeta): Promise<number> {
  const revoked = await repo.revokeUserSessions(ctx.db, userId, 'logout_all');
  await bumpPermsVersion(ctx, userId);
  await repo.insertAuthEvent(ctx.db, { type: 'logout_all', userId, ip: meta.ip, userAgent: meta.userAgent, detail: { revoked } });
  return revoked;
}
