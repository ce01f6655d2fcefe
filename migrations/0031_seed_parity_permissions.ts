import { sql, type Kysely } from 'kysely';

/**
 * parity.run: start a parity report (legacy engine vs new engine). Held by ops (who prepare a
 * cutover), finance (who sign it off) and admin. Reading stays `parity.read`, signing `parity.signoff`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`insert into tenancy.permissions (key, description) values ('parity.run', 'Run a parity report (legacy engine vs new engine)') on conflict (key) do nothing`.execute(
    db,
  );
  for (const role of ['ops', 'finance', 'admin']) {
    await sql`insert into tenancy.role_permissions (role_key, permission_key) values (${role}, 'parity.run') on conflict do nothing`.execute(
      db,
    );
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
