import { isMfaRequiredAsOwner, listUserTenantsAsOwner, MFA_PLATFORM_ROLES, MFA_TENANT_ROLES } from '../../tenancy/index';
import * as mfa from '../mfa-repo';
import { listPlatformRolesAsOwner } from '../platform-repo';
import type { IdentityDeps } from './context';

/** What a sign-in into a tenant needs after the password: nothing, a code, or enrolment first. */
export type MfaStep = 'none' | 'verify' | 'enrol';

/**
 * A user with a confirmed authenticator always gives a code. One without gives none, unless the
 * organisation they sign in to requires MFA and they hold admin or finance there, or ops on the
 * platform: then they must enrol before they get a session.
 */
export async function mfaStepFor(ctx: IdentityDeps, userId: string, tenantId: string | undefined): Promise<MfaStep> {
  const factor = await mfa.findFactor(ctx.db, userId);
  if (factor?.confirmedAt) return 'verify';
  return (await mfaRequiredFor(ctx, userId, tenantId)) ? 'enrol' : 'none';
}

/** Whether the organisation (the user's first one when none is named) requires MFA of this user's roles. */
export async function mfaRequiredFor(ctx: IdentityDeps, userId: string, tenantId: string | undefined): Promise<boolean> {
  const tenants = await listUserTenantsAsOwner(ctx.db, userId);
  const tenant = tenantId ? tenants.find((t) => t.id === tenantId) : tenants[0];
  if (!tenant || !(await isMfaRequiredAsOwner(ctx.db, tenant.id))) return false;
  if (tenant.roles.some((r) => MFA_TENANT_ROLES.includes(r))) return true;
  const platformRoles = await listPlatformRolesAsOwner(ctx.db, userId);
  return platformRoles.some((r) => MFA_PLATFORM_ROLES.includes(r));
}

/** Whether the user has a confirmed authenticator. */
export async function hasConfirmedMfa(ctx: IdentityDeps, userId: string): Promise<boolean> {
  return !!(await mfa.findFactor(ctx.db, userId))?.confirmedAt;
}
