import { withTenant } from '../../core/db';
import { TenancyErrors } from '../errors';
import * as repo from '../repo';
import type { Member } from '../schema';
import { audit, checkTenantRoles, toMember, type Caller, type TenancyDeps } from './context';
import { assertAdminLeft } from './remove-member';

/**
 * PUT /tenants/{tid}/members/{userId}/roles: replace a member's tenant roles, audited. Refused
 * (409 FIG_LAST_ADMIN, all rolled back) when it would leave the organisation without an active
 * admin. The member's access tokens stop working (permission version bumped) once committed.
 */
export async function updateMemberRoles(deps: TenancyDeps, caller: Caller, userId: string, roles: string[]): Promise<Member> {
  const wanted = checkTenantRoles(deps.rbac, roles);
  const member = await withTenant(deps.db, caller.tenantId, async (trx) => {
    const before = await repo.findMembership(trx, userId);
    const user = before && (await deps.identity.findTenantUser(trx, { id: userId }));
    if (!before || !user) throw TenancyErrors.memberNotFound();
    await repo.setMemberRoles(trx, caller.tenantId, userId, wanted);
    if (before.roles.includes('admin') && !wanted.includes('admin')) await assertAdminLeft(trx);
    const after = (await repo.findMembership(trx, userId))!;
    await audit(trx, caller, {
      action: 'member.roles.update',
      entity: 'membership',
      entityId: userId,
      before: { roles: before.roles },
      after: { roles: after.roles },
    });
    return toMember(after, user);
  });
  await deps.identity.bumpPermsVersion(userId);
  return member;
}
