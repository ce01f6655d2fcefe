import { IdentityErrors } from '../errors';
import { enqueueMessage } from '../outbox';
import * as repo from '../repo';
import { checkSignedToken } from '../secret-tokens';
import { mintLinkToken, secrets, type IdentityDeps, type RequestMeta } from './context';

const VERIFY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * POST /auth/verify-email/request: mail the signed-in user a verification link. Nothing (and no
 * token) when the address is already verified.
 */
export async function requestEmailVerification(ctx: IdentityDeps, userId: string): Promise<string | undefined> {
  const user = await repo.findUserAsOwner(ctx.db, userId);
  if (!user || user.email_verified_at) return undefined;
  const { token, hash } = mintLinkToken(ctx, 'verify_email');
  await ctx.db.transaction().execute(async (trx) => {
    await repo.insertActionToken(trx, {
      userId,
      purpose: 'verify_email',
      tokenHash: hash,
      expiresAt: new Date(Date.now() + VERIFY_TTL_MS),
    });
    await enqueueMessage(trx, {
      kind: 'verify_email',
      to: user.email,
      subject: 'Confirm your email for fig',
      body: `Open /app/verify-email#token=${token} within 24 hours to confirm ${user.email}.`,
      payload: { userId },
    });
  });
  return token;
}

/** POST /auth/verify-email: confirm an address with its single-use token. */
export async function verifyEmail(ctx: IdentityDeps, token: string, meta: RequestMeta): Promise<void> {
  const hash = checkSignedToken(secrets(ctx), 'verify_email', token);
  if (!hash) throw IdentityErrors.tokenInvalid();
  const ok = await ctx.db.transaction().execute(async (trx) => {
    const id = await repo.consumeActionToken(trx, 'verify_email', hash);
    if (!id) return false;
    await repo.markEmailVerifiedAsOwner(trx, id);
    await repo.insertAuthEvent(trx, { type: 'email_verified', userId: id, ip: meta.ip, userAgent: meta.userAgent });
    return true;
  });
  if (!ok) throw IdentityErrors.tokenInvalid();
}
