import type { Lock } from '../login-throttle';
import { enqueueMessage } from '../outbox';
import * as repo from '../repo';
import type { User } from '../tables';
import type { IdentityDeps, RequestMeta } from './context';

/**
 * A bucket was just locked: record it, and tell the owner of the account the first time its
 * unknown-device bucket locks within a lockout episode (level 1: the first lock in 24 h).
 */
export async function recordLockout(ctx: IdentityDeps, email: string, meta: RequestMeta, lock: Lock, known?: User): Promise<void> {
  const user = known ?? (lock.scope === 'ip' ? undefined : await repo.findUserByEmailAsOwner(ctx.db, email));
  await ctx.db.transaction().execute(async (trx) => {
    await repo.insertAuthEvent(trx, {
      type: 'lockout',
      userId: user?.id,
      email,
      ip: meta.ip,
      userAgent: meta.userAgent,
      detail: { ...lock },
    });
    if (user && lock.scope === 'account' && lock.level === 1)
      await enqueueMessage(trx, {
        kind: 'login_locked',
        to: user.email,
        subject: 'Failed sign-ins to your fig account',
        body:
          `Someone failed to sign in to ${user.email} ${ctx.config.AUTH_LOCKOUT_THRESHOLD} times from a device ` +
          `that never signed in to it. fig now slows sign-ins from new devices (next try in ` +
          `${Math.ceil(lock.ms / 1000)} s); browsers you signed in with before are not affected. If this was ` +
          `not you, your account is safe as long as your password is not known; consider changing it.`,
        payload: { userId: user.id, scope: lock.scope },
      });
  });
}
