import { enqueueMessage, type OutboxMessage } from '../outbox';
import * as repo from '../repo';
import { mintLinkToken, type IdentityDeps, type RequestMeta } from './context';

const RESET_TTL_MS = 60 * 60 * 1000;

/**
 * POST /auth/password-reset/request: always "accepted" (no account enumeration). Both answers do
 * the same work — mint and hash a token, then one transaction running the same three statements
 * (a token row that is inserted only for an active account, one mail, one auth event) — so timing
 * tells nothing: an active account gets the reset link, any other address a note that it has no
 * fig account. Returns the token for an active account (shown only with AUTH_DEV_TOKENS).
 */
export async function requestPasswordReset(ctx: IdentityDeps, email: string, meta: RequestMeta): Promise<string | undefined> {
  const found = await repo.findUserByEmailAsOwner(ctx.db, email);
  const user = found && !found.disabled_at ? found : undefined;
  const { token, hash } = mintLinkToken(ctx, 'reset_password');
  const mail: OutboxMessage = user
    ? {
        kind: 'password_reset',
        to: user.email,
        subject: 'Reset your fig password',
        body: `Someone asked to reset the password of ${user.email}. Open /app/reset-password#token=${token} within one hour. If it was not you, ignore this message.`,
        payload: { userId: user.id },
      }
    : {
        kind: 'password_reset_no_account',
        to: email,
        subject: 'Reset your fig password',
        body: `Someone asked to reset the fig password of ${email}, but no active fig account uses this address. If it was you, ask your organisation's admin for an invitation; otherwise ignore this message.`,
        payload: {},
      };
  await ctx.db.transaction().execute(async (trx) => {
    await repo.insertResetTokenForEmail(trx, { email, tokenHash: hash, expiresAt: new Date(Date.now() + RESET_TTL_MS) });
    await enqueueMessage(trx, mail);
    await repo.insertAuthEvent(trx, {
      type: 'password_reset_requested',
      userId: user?.id ?? null,
      email,
      ip: meta.ip,
      userAgent: meta.userAgent,
      detail: { account: user !== undefined },
    });
  });
  return user ? token : undefined;
}
