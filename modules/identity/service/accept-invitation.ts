import { findPendingInvitation, joinByInvitation } from '../../tenancy/index';
import { IdentityErrors } from '../errors';
import { hashPassword, passwordRefusal, verifyPassword } from '../passwords';
import * as repo from '../repo';
import { checkSignedToken } from '../secret-tokens';
import { secrets, type IdentityDeps, type IssuedSession, type RequestMeta } from './context';
import { issueSession } from './issue-session';
import { publishPermsVersion } from './revoke-access';

/**
 * POST /auth/accept-invitation: creates the account (or, for an existing account, checks its
 * password), then tenancy adds the membership and roles, marks the invitation used and audits it —
 * one transaction — then signs the user in to that organisation.
 */
export async function acceptInvitation(
  ctx: IdentityDeps,
  input: { token: string; name: string; password: string },
  meta: RequestMeta,
): Promise<IssuedSession> {
  const hash = checkSignedToken(secrets(ctx), 'invitation', input.token);
  if (!hash) throw IdentityErrors.invitationInvalid();
  const inv = await findPendingInvitation(ctx.db, hash);
  if (!inv) throw IdentityErrors.invitationInvalid();
  const existing = await repo.findUserByEmailAsOwner(ctx.db, inv.email);
  const refusal = existing ? undefined : passwordRefusal(input.password, { email: inv.email, name: input.name });
  if (refusal) throw IdentityErrors.weakPassword(refusal);
  if (existing && !(await verifyPassword(existing.password_hash, input.password))) throw IdentityErrors.accountExists();
  const passwordHash = existing ? null : await hashPassword(input.password);
  const user = await ctx.db.transaction().execute(async (trx) => {
    // Owner part: the global user row.
    const u = existing ?? (await repo.insertUserAsOwner(trx, { email: inv.email, name: input.name, passwordHash, verified: true }));
    const pv = existing ? await repo.bumpPermsVersionAsOwner(trx, u.id) : u.perms_version;
    // Tenant part, same transaction, under RLS.
    if (!(await joinByInvitation(trx, inv, u, meta))) throw IdentityErrors.invitationInvalid();
    return { ...u, perms_version: pv };
  });
  if (existing) await publishPermsVersion(ctx, user.id, user.perms_version);
  await repo.insertAuthEvent(ctx.db, {
    type: 'invitation_accepted',
    userId: user.id,
    email: user.email,
    ip: meta.ip,
    userAgent: meta.userAgent,
    detail: { tenantId: inv.tenant_id },
  });
  return issueSession(ctx, user, inv.tenant_id, undefined, meta);
}
