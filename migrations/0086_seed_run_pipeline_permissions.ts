import { sql, type Kysely } from 'kysely';

/**
 * Permissions of the runs pipeline (issue 14) beyond runs.read/runs.write (migration 0012):
 * - `runs.retry`: re-run a run's failed rows (admin, hr: the roles that start runs).
 * - `platform.queues.read`: the Bull Board at /_fig/queues (the `ops` platform role only; it shows
 *   job payloads of every tenant, so it is a platform permission, never a tenant one).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`insert into tenancy.permissions (key, description) values ('runs.retry', 'Re-run the failed rows of a run') on conflict (key) do nothing`.execute(db);
  for (const role of ['admin', 'hr']) {
    await sql`insert into tenancy.role_permissions (role_key, permission_key) values (${role}, 'runs.retry') on conflict do nothing`.execute(db);
  }
  await sql`
    insert into tenancy.permissions (key, description, scope)
    values ('platform.queues.read', 'See and manage the background job queues (Bull Board)', 'platform')
    on conflict (key) do nothing
  `.execute(db);
  await sql`insert into tenancy.role_permissions (role_key, permission_key) values ('ops', 'platform.queues.read') on conflict do nothing`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
