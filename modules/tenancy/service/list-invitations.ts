import { withTenant } from '../../core/db';
import { listPage, type Page, type PageQuery } from '../../core/pagination';
import * as repo from '../repo';
import type { Invitation as InvitationBody } from '../schema';
import type { Invitation } from '../tables';
import type { Caller, TenancyDeps } from './context';

type InvitationStatus = InvitationBody['status'];

function statusOf(i: Invitation, now: number): InvitationStatus {
  if (i.accepted_at) return 'accepted';
  if (i.revoked_at) return 'revoked';
  return i.expires_at.getTime() <= now ? 'expired' : 'pending';
}

/** GET /tenants/{tid}/invitations: the organisation's invitations, newest first, with their status now. */
export async function listInvitations(deps: TenancyDeps, caller: Caller, query: PageQuery): Promise<Page<InvitationBody>> {
  const now = (deps.clock?.() ?? new Date()).getTime();
  return listPage(
    query,
    (offset, limit) => withTenant(deps.db, caller.tenantId, (trx) => repo.listInvitations(trx, offset, limit)),
    (i) => ({
      id: i.id,
      email: i.email,
      roles: i.roles,
      status: statusOf(i, now),
      invitedBy: i.invited_by_actor,
      expiresAt: i.expires_at.toISOString(),
      createdAt: i.created_at.toISOString(),
      acceptedAt: i.accepted_at?.toISOString() ?? null,
    }),
  );
}
