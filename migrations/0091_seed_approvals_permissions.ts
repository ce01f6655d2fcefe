import { sql, type Kysely } from 'kysely';

/**
 * Approvals permissions. Which step a user may decide is decided by the step's role, not by a
 * permission: `approvals.decide` only opens the decisions route to the roles that sit on steps.
 */
const PERMISSIONS: Record<string, { description: string; roles: string[] }> = {
  'approvals.read': {
    description: 'See approval policies, approvals and their history',
    roles: ['admin', 'hr', 'manager', 'finance', 'auditor', 'readonly'],
  },
  'approvals.decide': { description: 'Approve or reject an approval step held by one of your roles', roles: ['manager', 'hr', 'finance'] },
  'approvals.manage': { description: 'Create approval policies (new versions)', roles: ['admin'] },
};

export async function up(db: Kysely<any>): Promise<void> {
  for (const [key, { description, roles }] of Object.entries(PERMISSIONS)) {
    await sql`insert into tenancy.permissions (key, description) values (${key}, ${description}) on conflict (key) do nothing`.execute(db);
    for (const role of roles)
      await sql`insert into tenancy.role_permissions (role_key, permission_key) values (${role}, ${key}) on conflict do nothing`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
