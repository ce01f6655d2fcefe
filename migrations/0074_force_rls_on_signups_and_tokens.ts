import { sql, type Kysely } from 'kysely';

/*
 * identity.signups (0072) and identity.action_tokens (tenant_id since 0073, for MFA challenges) now
 * carry a tenant_id, so they follow the rule every table with a tenant_id keeps
 * (modules/tenancy/security.test.ts): RLS enabled AND forced. Their only policy stays the
 * fig_service one (using true): the service role that reads them is unchanged; forcing makes the
 * table owner obey the policies too instead of reading past them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table identity.signups force row level security`.execute(db);
  await sql`alter table identity.action_tokens force row level security`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table identity.action_tokens no force row level security`.execute(db);
  await sql`alter table identity.signups no force row level security`.execute(db);
}
