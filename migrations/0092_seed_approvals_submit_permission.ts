import { sql, type Kysely } from 'kysely';

/**
 * `approvals.submit`: submit a subject (a run) for approval through POST .../approvals. Held by
 * the roles that prepare runs and bills; the subject's module still checks the subject itself.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const key = 'approvals.submit';
  await sql`insert into tenancy.permissions (key, description) values (${key}, 'Submit a run or another subject for approval') on conflict (key) do nothing`.execute(db);
  for (const role of ['admin', 'hr', 'finance'])
    await sql`insert into tenancy.role_permissions (role_key, permission_key) values (${role}, ${key}) on conflict do nothing`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
