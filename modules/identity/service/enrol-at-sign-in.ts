import { IdentityErrors } from '../errors';
import * as mfa from '../mfa-repo';
import * as repo from '../repo';
import type { IdentityDeps, IssuedSession, RequestMeta } from './context';
import { confirmMfa, setupMfa } from './enrol-mfa';
import { takeChallenge } from './mfa-challenge';
import { issueSession } from './issue-session';
import type { MfaSetupBody } from '../schema';

/** POST /auth/mfa/setup with a sign-in challenge of kind `enrol` (the user has no session yet). */
export async function setupMfaAtSignIn(ctx: IdentityDeps, challengeToken: string): Promise<MfaSetupBody> {
  const c = await takeChallenge(ctx, challengeToken);
  return setupMfa(ctx, { userId: c.userId, tenantId: c.tenantId ?? undefined });
}

/**
 * POST /auth/mfa/confirm with a sign-in challenge: the first code confirms the authenticator and
 * completes the sign-in it interrupted (recovery codes and a session, one answer).
 */
export async function confirmMfaAtSignIn(
  ctx: IdentityDeps,
  challengeToken: string,
  code: string,
  meta: RequestMeta,
): Promise<{ recoveryCodes: string[]; issued: IssuedSession }> {
  const c = await takeChallenge(ctx, challengeToken);
  const user = await repo.findUserAsOwner(ctx.db, c.userId);
  if (!user || user.disabled_at) throw IdentityErrors.mfaChallengeInvalid();
  const recoveryCodes = await confirmMfa(ctx, { userId: c.userId, tenantId: c.tenantId ?? undefined }, code, meta).catch(async (err: unknown) => {
    await mfa.failChallenge(ctx.db, c.id);
    throw err;
  });
  if (!(await mfa.consumeChallenge(ctx.db, c.id))) throw IdentityErrors.mfaChallengeInvalid();
  const issued = await issueSession(ctx, user, c.tenantId ?? undefined, undefined, meta);
  await repo.insertAuthEvent(ctx.db, { type: 'login_success', userId: user.id, email: user.email, ip: meta.ip, userAgent: meta.userAgent, detail: { tenantId: issued.body.tenant.id, mfa: 'enrolled' } });
  return { recoveryCodes, issued };
}
