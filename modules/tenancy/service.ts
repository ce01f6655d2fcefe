import type { TenancyDeps } from './service/context';
import { listMembers } from './service/list-members';
import { updateMemberRoles } from './service/update-member-roles';
import { removeMember } from './service/remove-member';
import { listInvitations } from './service/list-invitations';
import { inviteMember } from './service/invite-member';
import { revokeInvitation } from './service/revoke-invitation';
import type { RoleInfo } from './rbac';
import { getSecuritySettings, updateSecuritySettings } from './service/security-settings';
import { createTenant, listOrganisations, setOrganisationSuspended } from './service/manage-organisations';

export type { Caller, TenancyDeps, IdentityPort, TenantUser, OutboxMessage } from './service/context';
export { INVITATION_TTL_MS, switchToTenant } from './service/context';
export { createOrganisation } from './service/create-organisation';
export { foundOrganisation, FOUNDER_ROLES } from './service/found-organisation';
export { addMember, ensureMember, findPendingInvitation, joinByInvitation } from './service/join-organisation';
export { MFA_TENANT_ROLES, MFA_PLATFORM_ROLES } from './service/security-settings';
export { isMfaRequiredAsOwner } from './repo';
export { listUserTenantsAsOwner, listSuspendedUserTenantsAsOwner, type TenantSummary } from './repo';

type Bound<F> = F extends (deps: TenancyDeps, ...args: infer A) => infer R ? (...args: A) => R : never;
const bind =
  <A extends unknown[], R>(deps: TenancyDeps, fn: (deps: TenancyDeps, ...args: A) => R) =>
  (...args: A): R =>
    fn(deps, ...args);

/** The organisation admin use cases bound to their dependencies; every method takes the caller first. */
export function createTenancyService(deps: TenancyDeps) {
  return {
    /** Tenant roles (the ones an organisation grants) and their permissions. */
    listRoles: (): RoleInfo[] => deps.rbac.listRoles('tenant'),
    listMembers: bind(deps, listMembers) as Bound<typeof listMembers>,
    updateMemberRoles: bind(deps, updateMemberRoles) as Bound<typeof updateMemberRoles>,
    removeMember: bind(deps, removeMember) as Bound<typeof removeMember>,
    listInvitations: bind(deps, listInvitations) as Bound<typeof listInvitations>,
    inviteMember: bind(deps, inviteMember) as Bound<typeof inviteMember>,
    revokeInvitation: bind(deps, revokeInvitation) as Bound<typeof revokeInvitation>,
    getSecuritySettings: bind(deps, getSecuritySettings) as Bound<typeof getSecuritySettings>,
    updateSecuritySettings: bind(deps, updateSecuritySettings) as Bound<typeof updateSecuritySettings>,
    /** Platform (ops): every organisation, creation with a first admin, suspension. */
    listOrganisations: bind(deps, listOrganisations) as Bound<typeof listOrganisations>,
    createTenant: bind(deps, createTenant) as Bound<typeof createTenant>,
    setOrganisationSuspended: bind(deps, setOrganisationSuspended) as Bound<typeof setOrganisationSuspended>,
  };
}

export type TenancyService = ReturnType<typeof createTenancyService>;
