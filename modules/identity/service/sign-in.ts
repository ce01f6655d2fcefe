import { IdentityErrors } from '../errors';
import { verifyPassword } from '../passwords';
import * as repo from '../repo';
import { checkDeviceToken, mintDeviceToken } from '../secret-tokens';
import { secrets, type IdentityContext, type IssuedSession, type RequestMeta } from './context';
import { issueSession } from './issue-session';
import { recordLockout } from './record-lockout';
import { startChallenge } from './mfa-challenge';
import { mfaStepFor } from './mfa-policy';
import type { MfaChallengeBody } from '../schema';

/**
 * POST /auth/login: password sign-in. The attempt is counted (atomically, across processes) before
 * the password is verified; see LoginThrottle for the buckets. `deviceToken` is the browser's
 * device cookie. Without Redis there is no brute-force limit, so sign-in fails closed (503) until
 * it is back. With MFA on for the user (or required of them by the organisation) the answer is a
 * challenge instead of a session (see mfa-challenge.ts).
 */
export async function signIn(
  ctx: IdentityContext,
  input: { email: string; password: string; tenantId?: string },
  meta: RequestMeta,
  deviceToken?: string,
): Promise<IssuedSession | { challenge: MfaChallengeBody }> {
  const email = input.email.toLowerCase();
  const ip = meta.ip ?? 'unknown';
  const deviceId = deviceToken ? checkDeviceToken(secrets(ctx), email, deviceToken) : undefined;
  const attempt = await ctx.throttle.reserve(email, ip, deviceId).catch((err: Error) => {
    ctx.onRedisFallback?.('login_throttle', 'refused');
    ctx.log.error({ err: err.message }, 'sign-in refused: login throttle unavailable (redis)');
    throw IdentityErrors.authUnavailable();
  });
  if (!attempt.allowed) {
    if (attempt.newLock) await recordLockout(ctx, email, meta, attempt.newLock);
    else
      await repo.insertAuthEvent(ctx.db, {
        type: 'login_locked',
        email,
        ip: meta.ip,
        userAgent: meta.userAgent,
        detail: { scope: attempt.scope },
      });
    throw IdentityErrors.loginLocked(Math.ceil(attempt.retryAfterMs / 1000));
  }
  const user = await repo.findUserByEmailAsOwner(ctx.db, email);
  const ok = await verifyPassword(user?.password_hash, input.password);
  if (!ok || !user) {
    const locks = await ctx.throttle.fail(email, ip, deviceId).catch((err: Error) => {
      ctx.log.warn({ err: err.message }, 'failed sign-in not counted: redis unavailable');
      return [];
    });
    await repo.insertAuthEvent(ctx.db, { type: 'login_failure', userId: user?.id, email, ip: meta.ip, userAgent: meta.userAgent });
    for (const l of locks) await recordLockout(ctx, email, meta, l, user);
    throw IdentityErrors.invalidCredentials();
  }
  if (user.disabled_at) throw IdentityErrors.accountDisabled();
  await ctx.throttle.succeed(email, ip, deviceId).catch((err: Error) => {
    ctx.log.warn({ err: err.message }, 'sign-in throttle not released: redis unavailable');
  });
  // A second factor (or enrolling one) comes between the password and the session.
  const step = await mfaStepFor(ctx, user.id, input.tenantId);
  if (step !== 'none') return { challenge: await startChallenge(ctx, user, input.tenantId, step) };
  const issued = await issueSession(ctx, user, input.tenantId, undefined, meta);
  await repo.insertAuthEvent(ctx.db, {
    type: 'login_success',
    userId: user.id,
    email,
    ip: meta.ip,
    userAgent: meta.userAgent,
    detail: { tenantId: issued.body.tenant.id, knownDevice: deviceId !== undefined },
  });
  return { ...issued, deviceToken: deviceId ? deviceToken : mintDeviceToken(secrets(ctx)[0]!, email) };
}
