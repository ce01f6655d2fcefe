import { IdentityErrors } from '../errors';
import { hashPassword, passwordRefusal } from '../passwords';
import * as repo from '../repo';
import { checkSignedToken } from '../secret-tokens';
import { secrets, type IdentityDeps, type RequestMeta } from './context';
import { bumpPermsVersion } from './revoke-access';

/** POST /auth/password-reset: set a new password with a reset token; ends every session of the account. */
export async function resetPassword(ctx: IdentityDeps, token: string, password: string, meta: RequestMeta): Promise<void> {
  const hash = checkSignedToken(secrets(ctx), 'reset_password', token);
  if (!hash) throw IdentityErrors.tokenInvalid();
  const userId = await ctx.db.transaction().execute(async (trx) => {
    const id = await repo.consumeActionToken(trx, 'reset_password', hash);
    if (!id) return undefined;
    const owner = await repo.findUserAsOwner(trx, id);
    // Refusing rolls the transaction back: the token stays usable for a better password.
    const refusal = owner && passwordRefusal(password, owner);
    if (refusal) throw IdentityErrors.weakPassword(refusal);
    await repo.setPasswordAsOwner(trx, id, await hashPassword(password));
    await repo.revokeUserSessions(trx, id, 'password_reset');
    await repo.insertAuthEvent(trx, { type: 'password_reset', userId: id, ip: meta.ip, userAgent: meta.userAgent });
    return id;
  });
  if (!userId) throw IdentityErrors.tokenInvalid();
  await bumpPermsVersion(ctx, userId);
}
