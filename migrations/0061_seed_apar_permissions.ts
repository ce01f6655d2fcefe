import { sql, type Kysely } from 'kysely';

/**
 * AP/AR permissions beyond apar.read/apar.write (migration 0012): writing off a balance and
 * changing the tenant's AP/AR settings (base currency, aging buckets). Held by finance and admin.
 */
const PERMISSIONS: Record<string, string> = {
  'apar.writeoff': 'Write off an open AP/AR balance (with a reason)',
  'apar.settings': 'Change AP/AR settings (base currency, aging buckets)',
};

export async function up(db: Kysely<any>): Promise<void> {
  for (const [key, description] of Object.entries(PERMISSIONS)) {
    await sql`insert into tenancy.permissions (key, description) values (${key}, ${description}) on conflict (key) do nothing`.execute(
      db,
    );
    for (const role of ['finance', 'admin']) {
      await sql`insert into tenancy.role_permissions (role_key, permission_key) values (${role}, ${key}) on conflict do nothing`.execute(
        db,
      );
    }
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
