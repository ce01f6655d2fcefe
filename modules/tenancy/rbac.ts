import type { Db } from '../core/db';
import './tables';

export interface RoleInfo {
  key: string;
  name: string;
  description: string;
  permissions: string[];
}

/**
 * The role → permissions map, read from tenancy.role_permissions (seeded by migrations; later
 * modules add their keys the same way). Tokens carry role keys; permissions are resolved here on
 * every request, so a migration that grants a role a new permission takes effect on reload.
 */
export class Rbac {
  private roles = new Map<string, RoleInfo>();

  /** Reload from the database (global tables, read by the owner connection). */
  async load(db: Db): Promise<void> {
    const roles = await db
      .selectFrom('tenancy.roles')
      .select(['key', 'name', 'description'])
      .orderBy('position')
      .orderBy('key')
      .execute();
    const grants = await db
      .selectFrom('tenancy.role_permissions')
      .select(['role_key', 'permission_key'])
      .orderBy('permission_key')
      .execute();
    const next = new Map<string, RoleInfo>();
    for (const r of roles) next.set(r.key, { ...r, permissions: [] });
    for (const g of grants) next.get(g.role_key)?.permissions.push(g.permission_key);
    this.roles = next;
  }

  /** Union of the permissions of the given roles (unknown roles give nothing). */
  permissionsFor(roles: readonly string[]): Set<string> {
    const out = new Set<string>();
    for (const r of roles) for (const p of this.roles.get(r)?.permissions ?? []) out.add(p);
    return out;
  }

  listRoles(): RoleInfo[] {
    return [...this.roles.values()];
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
