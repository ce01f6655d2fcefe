import type { ColumnType, Generated, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;

/** tenancy.organisations (global): one row per tenant. */
export interface OrganisationTable {
  id: Generated<string>;
  name: string;
  slug: string;
  created_at: CreatedAt;
  suspended_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  suspended_reason: ColumnType<string | null, string | null | undefined, string | null>;
  mfa_required: ColumnType<boolean, boolean | undefined, boolean>;
}
/** Where a role or permission applies: inside one organisation, or across the platform. */
export type RoleScope = 'tenant' | 'platform';
export interface RoleTable {
  key: string;
  name: string;
  description: string;
  position: number;
  scope: ColumnType<RoleScope, RoleScope | undefined, RoleScope>;
}
export interface PermissionTable {
  key: string;
  description: string;
  scope: ColumnType<RoleScope, RoleScope | undefined, RoleScope>;
}
export interface RolePermissionTable {
  role_key: string;
  permission_key: string;
}
/** tenancy.memberships (tenant-owned, RLS). */
export interface MembershipTable {
  tenant_id: string;
  user_id: string;
  status: ColumnType<'active' | 'disabled', 'active' | 'disabled' | undefined, 'active' | 'disabled'>;
  created_at: CreatedAt;
}
/** tenancy.user_role_assignments (tenant-owned, RLS). */
export interface UserRoleAssignmentTable {
  tenant_id: string;
  user_id: string;
  role_key: string;
  created_at: CreatedAt;
}
/** tenancy.invitations (tenant-owned, RLS). */
export interface InvitationTable {
  id: Generated<string>;
  tenant_id: string;
  email: string;
  roles: string[];
  token_hash: string;
  invited_by: string | null;
  invited_by_actor: string;
  expires_at: Date;
  accepted_at: Date | null;
  accepted_user_id: string | null;
  revoked_at: Date | null;
  created_at: CreatedAt;
}
export type Organisation = Selectable<OrganisationTable>;
export type Invitation = Selectable<InvitationTable>;

declare module '../core/database' {
  interface Database {
    'tenancy.organisations': OrganisationTable;
    'tenancy.roles': RoleTable;
    'tenancy.permissions': PermissionTable;
    'tenancy.role_permissions': RolePermissionTable;
    'tenancy.memberships': MembershipTable;
    'tenancy.user_role_assignments': UserRoleAssignmentTable;
    'tenancy.invitations': InvitationTable;
  }
}
