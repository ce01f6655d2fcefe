import type { AuthContext } from '../../core/auth-context';
import { listUserTenantsAsOwner } from '../../tenancy/index';
import { IdentityErrors } from '../errors';
import * as repo from '../repo';
import type { MeBody } from '../schema';
import type { IdentityDeps } from './context';
import { profileBody } from './issue-session';

/**
 * GET /me: the signed-in user, the session's tenant and roles (as the token carries them), every
 * organisation they belong to. 401 when the account or the membership is gone.
 */
export async function getMe(ctx: IdentityDeps, auth: AuthContext, expiresAt: number | undefined): Promise<MeBody> {
  if (auth.kind !== 'user' || !auth.tenantId) throw IdentityErrors.noProfile();
  const user = await repo.findUserAsOwner(ctx.db, auth.userId);
  if (!user) throw IdentityErrors.accountGone();
  const tenants = await listUserTenantsAsOwner(ctx.db, user.id);
  const tenant = tenants.find((t) => t.id === auth.tenantId);
  if (!tenant) throw IdentityErrors.membershipEnded();
  const expiresIn = expiresAt ? Math.max(0, Math.floor(expiresAt - Date.now() / 1000)) : 0;
  return profileBody(ctx, user, tenants, { ...tenant, roles: auth.roles }, auth.platformRoles, expiresIn);
}
