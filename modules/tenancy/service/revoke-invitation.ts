import { withTenant } from '../../core/db';
import { TenancyErrors } from '../errors';
import * as repo from '../repo';
import { audit, type Caller, type TenancyDeps } from './context';

/** DELETE /tenants/{tid}/invitations/{id}: revoke a pending invitation, audited; 404 when none is pending. */
export async function revokeInvitation(deps: TenancyDeps, caller: Caller, id: string): Promise<void> {
  await withTenant(deps.db, caller.tenantId, async (trx) => {
    const revoked = await repo.revokeInvitation(trx, id, deps.clock?.() ?? new Date());
    if (!revoked) throw TenancyErrors.invitationNotFound();
    await audit(trx, caller, { action: 'invitation.revoke', entity: 'invitation', entityId: id, before: revoked });
  });
}
