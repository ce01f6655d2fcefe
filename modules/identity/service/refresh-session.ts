import { IdentityErrors } from '../errors';
import * as repo from '../repo';
import { sha256 } from '../secret-tokens';
import type { UserSession } from '../tables';
import type { IdentityDeps, IssuedSession, RequestMeta } from './context';
import { issueSession } from './issue-session';
import { endAccessForFamily } from './revoke-access';
import { mfaStepFor } from './mfa-policy';

/** A refresh token used twice: the whole family is revoked, recorded, and the caller told to sign in. */
async function revokeReusedFamily(ctx: IdentityDeps, session: UserSession, meta: RequestMeta): Promise<Error> {
  const revoked = await repo.revokeFamily(ctx.db, session.family_id, 'reuse_detected');
  await endAccessForFamily(ctx, session.family_id);
  await repo.insertAuthEvent(ctx.db, {
    type: 'refresh_reuse',
    userId: session.user_id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    detail: { familyId: session.family_id, sessionId: session.id, revoked },
  });
  ctx.log.warn({ userId: session.user_id, familyId: session.family_id }, 'refresh token reuse: session family revoked');
  return IdentityErrors.refreshReused();
}

/**
 * POST /auth/refresh: rotate a refresh token. The presented one is marked rotated and a new one of
 * the same family is issued (in `tenantId` when given: switching organisation). A token that was
 * already rotated (or loses a rotation race) is a stolen or replayed token: the whole family is
 * revoked and a `refresh_reuse` auth event recorded.
 */
export async function refreshSession(
  ctx: IdentityDeps,
  token: string | undefined,
  tenantId: string | undefined,
  meta: RequestMeta,
): Promise<IssuedSession> {
  if (!token) throw IdentityErrors.refreshInvalid();
  const session = await repo.findSessionByHash(ctx.db, sha256(token));
  if (!session) throw IdentityErrors.refreshInvalid();
  if (session.rotated_at) throw await revokeReusedFamily(ctx, session, meta);
  if (session.revoked_at || session.expires_at.getTime() <= Date.now()) throw IdentityErrors.refreshInvalid();
  const user = await repo.findUserAsOwner(ctx.db, session.user_id);
  if (!user || user.disabled_at) {
    await repo.revokeFamily(ctx.db, session.family_id, 'user_disabled');
    throw IdentityErrors.refreshInvalid();
  }
  // An organisation that requires MFA of this user's roles admits only users who have it.
  if ((await mfaStepFor(ctx, user.id, tenantId ?? session.active_tenant_id ?? undefined)) === 'enrol') throw IdentityErrors.mfaEnrolmentRequired();
  if (!(await repo.markRotated(ctx.db, session.id, null))) throw await revokeReusedFamily(ctx, session, meta);
  const issued = await issueSession(ctx, user, tenantId ?? session.active_tenant_id ?? undefined, session.family_id, meta).catch(
    async (err: unknown) => {
      // Not a member (any more) of the requested tenant: the old token stays usable.
      await repo.clearRotated(ctx.db, session.id);
      throw err;
    },
  );
  await repo.setReplacedBy(ctx.db, session.id, issued.sessionId);
  await repo.insertAuthEvent(ctx.db, {
    type: 'refresh',
    userId: user.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    detail: { familyId: session.family_id, tenantId: issued.body.tenant.id },
  });
  return issued;
}
