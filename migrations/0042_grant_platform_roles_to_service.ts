import { sql, type Kysely } from 'kysely';

/**
 * Platform role grants (0036) are account-level, like identity.users: the gateway reads them at
 * sign-in and the platform API writes them, outside any tenant. The app connects as fig_service
 * (0040), which owns nothing, so it gets exactly these rights: read and change grants, read and
 * append events (their triggers keep them append-only), each through a policy of its own.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`grant select, insert, update, delete on identity.platform_role_grants to fig_service`.execute(db);
  await sql`grant select, insert on identity.platform_role_events to fig_service`.execute(db);
  await sql`grant usage, select on all sequences in schema identity to fig_service`.execute(db);
  // RLS is on (without FORCE) for both tables; like identity.users, fig_service gets a policy of its own.
  await sql`create policy service on identity.platform_role_grants to fig_service using (true) with check (true)`.execute(db);
  await sql`create policy service on identity.platform_role_events to fig_service using (true) with check (true)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
