import { withTenant, type Db, type Trx } from '../../core/db';
import { recordAudit } from '../../audit/index';
import * as repo from '../repo';
import type { Invitation } from '../tables';
import { switchToTenant } from './context';

/*
 * How a user becomes a member: the membership writes identity's flows need (sign-up by invitation,
 * the demo seed and test set-up). Tenancy owns these tables; identity calls these through
 * tenancy's index inside its own transactions, never tenancy's repo.
 */

/** Add a membership (idempotent) with extra roles, in the transaction's tenant. */
export async function addMember(trx: Trx, tenantId: string, userId: string, roles: string[]): Promise<void> {
  await repo.addMember(trx, tenantId, userId, roles);
}

/**
 * Make a user a member of the tenant with at least these roles; the membership and its audit
 * event (only when something changed) commit together.
 */
export async function ensureMember(
  db: Db,
  m: { tenantId: string; userId: string; email: string; roles: string[]; actor: string },
): Promise<void> {
  await withTenant(db, m.tenantId, async (trx) => {
    const had = new Set(await repo.listRoleKeys(trx, m.userId));
    const wasMember = (await repo.findMembership(trx, m.userId)) !== undefined;
    await repo.addMember(trx, m.tenantId, m.userId, m.roles);
    if (wasMember && m.roles.every((r) => had.has(r))) return;
    await recordAudit(trx, {
      tenantId: m.tenantId,
      actor: m.actor,
      action: wasMember ? 'member.roles.update' : 'member.add',
      entity: 'membership',
      entityId: m.userId,
      before: wasMember ? { roles: [...had].sort() } : null,
      after: { email: m.email, roles: [...new Set([...had, ...m.roles])].sort() },
    });
  });
}

/**
 * The pending invitation a token's hash names, or undefined (unknown, used, revoked or expired).
 * CROSS-TENANT: the person accepting has no session yet; the hash is the only key and it names
 * exactly one invitation (app.invitation_by_token_hash, migrations/0040).
 */
export async function findPendingInvitation(db: Db, tokenHash: string, now = new Date()): Promise<Invitation | undefined> {
  const inv = await repo.findInvitationByHashAsOwner(db, tokenHash);
  if (!inv || inv.accepted_at || inv.revoked_at || inv.expires_at.getTime() <= now.getTime()) return undefined;
  return inv;
}

/**
 * The tenant half of accepting an invitation, in the caller's owner transaction (which may first
 * have written global rows, such as the new user): switch it to the invitation's tenant, take the
 * invitation (false when someone used or revoked it first), add the membership and roles, audit.
 */
export async function joinByInvitation(
  trx: Trx,
  inv: Invitation,
  user: { id: string; email: string },
  meta: { requestId: string | null; ip: string | null },
): Promise<boolean> {
  await switchToTenant(trx, inv.tenant_id);
  if (!(await repo.markInvitationAccepted(trx, inv.id, user.id, new Date()))) return false;
  await repo.addMember(trx, inv.tenant_id, user.id, inv.roles);
  await recordAudit(trx, {
    tenantId: inv.tenant_id,
    actor: user.email,
    actorId: user.id,
    action: 'invitation.accept',
    entity: 'membership',
    entityId: user.id,
    after: { email: user.email, roles: inv.roles, invitationId: inv.id },
    requestId: meta.requestId,
    ip: meta.ip,
  });
  return true;
}
