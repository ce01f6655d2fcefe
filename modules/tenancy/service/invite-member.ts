import { withTenant } from '../../core/db';
import { TenancyErrors } from '../errors';
import * as repo from '../repo';
import type { CreatedInvitation } from '../schema';
import { audit, checkTenantRoles, INVITATION_TTL_MS, type Caller, type TenancyDeps } from './context';

/**
 * POST /tenants/{tid}/invitations: invite someone by email with tenant roles. The invitation row,
 * its mail (with the signed single-use link) and the audit event commit together; 409
 * FIG_ALREADY_MEMBER when the address already belongs to a member. `token` is in the answer only
 * with AUTH_DEV_TOKENS.
 */
export async function inviteMember(
  deps: TenancyDeps,
  caller: Caller,
  input: { email: string; roles: string[] },
): Promise<CreatedInvitation> {
  const roles = checkTenantRoles(deps.rbac, input.roles);
  const { email } = input;
  const { token, hash } = deps.identity.mintInvitationToken();
  const expiresAt = new Date((deps.clock?.() ?? new Date()).getTime() + INVITATION_TTL_MS);
  const id = await withTenant(deps.db, caller.tenantId, async (trx) => {
    // RLS shows only users who are members of this tenant.
    if (await deps.identity.findTenantUser(trx, { email })) throw TenancyErrors.alreadyMember(email);
    const org = await repo.findOwnOrganisation(trx);
    const invitationId = await repo.insertInvitation(trx, {
      tenantId: caller.tenantId,
      email,
      roles,
      tokenHash: hash,
      invitedBy: caller.actorId,
      invitedByActor: caller.actor,
      expiresAt,
    });
    // The operator's admin token is not a person an invitee knows (`npm run fig -- tenant create`).
    const inviter = caller.actorId ? caller.actor : 'The fig platform team';
    await deps.identity.enqueueMessage(trx, {
      kind: 'invitation',
      to: email,
      subject: `You are invited to ${org?.name ?? 'an organisation'} on fig`,
      body: `${inviter} invited you to ${org?.name ?? 'their organisation'} as ${roles.join(', ')}. Open /app/accept-invitation#token=${token} before ${expiresAt.toISOString()}.`,
      payload: {
        invitationId,
        tenantId: caller.tenantId,
        organisation: org?.name ?? null,
        inviter,
        roles,
        expiresAt: expiresAt.toISOString(),
      },
    });
    await audit(trx, caller, {
      action: 'invitation.create',
      entity: 'invitation',
      entityId: invitationId,
      after: { email, roles, expiresAt: expiresAt.toISOString() },
    });
    return invitationId;
  });
  return { id, email, roles, expiresAt: expiresAt.toISOString(), ...(deps.devTokens ? { token } : {}) };
}
