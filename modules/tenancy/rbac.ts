import type { Db } from '../core/db';
import type { RoleScope } from './tables';
import './tables';

export interface RoleInfo {
  key: string;
  name: string;
  description: string;
  /** 'tenant': granted inside an organisation; 'platform': granted only by a platform operator. */
  scope: RoleScope;
  permissions: string[];
}

/**
 * The role → permissions map, read from tenancy.role_permissions (seeded by migrations; later
 * modules add their keys the same way). Tokens carry role keys; permissions are resolved here on
 * every request, so a migration that grants a role a new permission takes effect on reload.
 *
 * Two scopes (migrations/0036): tenant roles come from the token's `roles` (the membership) and
 * never give a platform permission; platform roles come only from the token's `platformRoles`
 * (identity.platform_role_grants). A platform role key in `roles` gives nothing.
 */
export class Rbac {
  private roles = new Map<string, RoleInfo>();
  private platformPermissions = new Set<string>();

  /** Reload from the database (global tables, read by the owner connection). */
  async load(db: Db): Promise<void> {
    const roles = await db
      .selectFrom('tenancy.roles')
      .select(['key', 'name', 'description', 'scope'])
      .orderBy('position')
      .orderBy('key')
      .execute();
    const grants = await db
      .selectFrom('tenancy.role_permissions')
      .select(['role_key', 'permission_key'])
      .orderBy('permission_key')
      .execute();
    const platform = await db
      .selectFrom('tenancy.permissions')
      .select('key')
      .where('scope', '=', 'platform')
      .execute();
    const next = new Map<string, RoleInfo>();
    for (const r of roles) next.set(r.key, { ...r, permissions: [] });
    for (const g of grants) next.get(g.role_key)?.permissions.push(g.permission_key);
    this.roles = next;
    this.platformPermissions = new Set(platform.map((p) => p.key));
  }

  /**
   * Permissions of a session: its tenant roles' tenant permissions, plus everything its platform
   * roles hold. Unknown roles, and roles given in the wrong scope, give nothing.
   */
  permissionsFor(tenantRoles: readonly string[], platformRoles: readonly string[] = []): Set<string> {
    const out = new Set<string>();
    for (const r of tenantRoles) {
      const role = this.roles.get(r);
      if (role?.scope !== 'tenant') continue;
      for (const p of role.permissions) if (!this.platformPermissions.has(p)) out.add(p);
    }
    for (const r of platformRoles) {
      const role = this.roles.get(r);
      if (role?.scope !== 'platform') continue;
      for (const p of role.permissions) out.add(p);
    }
    return out;
  }

  /** Every role, or those of one scope. */
  listRoles(scope?: RoleScope): RoleInfo[] {
    return [...this.roles.values()].filter((r) => !scope || r.scope === scope);
  }

  /** The scope of a role key, or undefined when there is no such role. */
  scopeOf(key: string): RoleScope | undefined {
    return this.roles.get(key)?.scope;
  }

  hasRole(key: string): boolean {
    return this.roles.has(key);
  }

  /** Every permission key any role holds. */
  allPermissions(): Set<string> {
    const out = new Set<string>();
    for (const r of this.roles.values()) for (const p of r.permissions) out.add(p);
    return out;
  }
}
