import { withTenant, type Trx } from '../../core/db';
import { TenancyErrors } from '../errors';
import * as repo from '../repo';
import { audit, type Caller, type TenancyDeps } from './context';

/**
 * The last-admin rule: an organisation always keeps at least one active admin. Checked after the
 * change inside its transaction, so the refusal rolls the change back and two concurrent changes
 * cannot both pass on stale counts.
 */
export async function assertAdminLeft(trx: Trx): Promise<void> {
  if ((await repo.countRoleHolders(trx, 'admin')) === 0) throw TenancyErrors.lastAdmin();
}

/**
 * DELETE /tenants/{tid}/members/{userId}: remove a member, audited; 409 FIG_LAST_ADMIN when they
 * are the last admin. Their access tokens stop working once committed.
 */
export async function removeMember(deps: TenancyDeps, caller: Caller, userId: string): Promise<void> {
  await withTenant(deps.db, caller.tenantId, async (trx) => {
    const before = await repo.findMembership(trx, userId);
    const user = before && (await deps.identity.findTenantUser(trx, { id: userId }));
    if (!before || !user) throw TenancyErrors.memberNotFound();
    await repo.removeMember(trx, userId);
    if (before.roles.includes('admin')) await assertAdminLeft(trx);
    await audit(trx, caller, {
      action: 'member.remove',
      entity: 'membership',
      entityId: userId,
      before: { email: user.email, roles: before.roles },
    });
  });
  await deps.identity.bumpPermsVersion(userId);
}
