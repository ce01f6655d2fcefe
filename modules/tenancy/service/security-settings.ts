import { AppError } from '../../core/errors';
import * as repo from '../repo';
import type { SecuritySettings } from '../schema';
import { audit, switchToTenant, type Caller, type TenancyDeps } from './context';

/** Tenant roles an organisation's MFA requirement applies to (and the platform role ops, everywhere it signs in). */
export const MFA_TENANT_ROLES = ['admin', 'finance'];
export const MFA_PLATFORM_ROLES = ['ops'];

const settings = (mfaRequired: boolean): SecuritySettings => ({
  mfaRequired,
  mfaRoles: [...MFA_TENANT_ROLES, ...MFA_PLATFORM_ROLES],
});

/** GET /tenants/{tid}/security. */
export async function getSecuritySettings(deps: TenancyDeps, caller: Caller): Promise<SecuritySettings> {
  return settings(await repo.isMfaRequiredAsOwner(deps.db, caller.tenantId));
}

/**
 * PUT /tenants/{tid}/security: require (or stop requiring) MFA of the organisation's admin,
 * finance and ops users. Audited. An admin must have MFA before requiring it, so turning it on
 * can never lock out the person doing it.
 */
export async function updateSecuritySettings(
  deps: TenancyDeps,
  caller: Caller,
  input: { mfaRequired: boolean },
): Promise<SecuritySettings> {
  if (input.mfaRequired && !(caller.actorId && (await deps.identity.hasConfirmedMfa(caller.actorId))))
    throw new AppError(
      'FIG_MFA_ENROL_FIRST',
      409,
      'Set up two-factor authentication for your own account first (Account security), then require it for the organisation',
    );
  await deps.db.transaction().execute(async (trx) => {
    const before = await repo.setMfaRequiredAsOwner(trx, caller.tenantId, input.mfaRequired);
    await switchToTenant(trx, caller.tenantId);
    if (before !== input.mfaRequired)
      await audit(trx, caller, {
        action: 'organisation.security.update',
        entity: 'organisation',
        entityId: caller.tenantId,
        before: { mfaRequired: before },
        after: { mfaRequired: input.mfaRequired },
      });
  });
  return settings(input.mfaRequired);
}
