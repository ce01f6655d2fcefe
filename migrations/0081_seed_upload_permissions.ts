import { sql, type Kysely } from 'kysely';

/** Uploads (modules/storage): read (see files, mappings, validation reports) and write (upload, map, presets). */
const PERMISSIONS: Record<string, { description: string; roles: string[] }> = {
  'uploads.read': { description: 'See uploads, their mapping, preview and validation report', roles: ['admin', 'hr', 'finance', 'manager', 'auditor'] },
  'uploads.write': { description: 'Upload employee files, save column mappings and mapping presets', roles: ['admin', 'hr', 'finance'] },
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
