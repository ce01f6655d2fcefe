import { sql, type Kysely } from 'kysely';

/**
 * The app no longer connects as the owner. It connects as `fig_service` (APP_DATABASE_URL): LOGIN,
 * NOBYPASSRLS, owns nothing, so it can neither switch RLS off nor ALTER or DROP a table.
 * Migrations keep running as the owner (DATABASE_URL / MIGRATION_DATABASE_URL).
 *
 * fig_service is a member of `fig_app`, the NOLOGIN role every tenant transaction switches to
 * (`SET LOCAL ROLE fig_app` in withTenant), so tenant work runs with exactly fig_app's grants and
 * policies as before. What the owner connection used to do outside a tenant is granted to
 * fig_service alone, so a tenant transaction still cannot read sessions, link tokens, the outbox
 * or password hashes:
 * - global tables (route table, band tables, organisations): DML as needed.
 * - account-level identity tables (users, sessions, auth events, link tokens, outbox).
 * - the two cross-tenant reads of tenant-owned (FORCEd) tables, a user's organisations at sign-in
 *   and an invitation by its token hash, are SECURITY DEFINER functions that return exactly those
 *   rows; fig_service gets no policy on the tenant-owned tables themselves.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Creating a role needs CREATEROLE; where a DBA created fig_service already, it is left alone.
  await sql`
    do $$ begin
      if not exists (select 1 from pg_roles where rolname = 'fig_service') then
        create role fig_service login nobypassrls nosuperuser nocreatedb nocreaterole;
      end if;
    end $$;
  `.execute(db);
  await sql`grant fig_app to fig_service`.execute(db);
  const { rows } = await sql<{ db: string }>`select current_database() as db`.execute(db);
  await sql.raw(`grant connect, temporary on database "${rows[0]!.db.replace(/"/g, '""')}" to fig_service`).execute(db);

  // Global tables.
  await sql`grant select, insert, update, delete on gateway.routes, gateway.route_changes to fig_service`.execute(db);
  await sql`grant usage, select on all sequences in schema gateway to fig_service`.execute(db);
  await sql`grant select, insert, update, delete on comp.revenue_band_tables, comp.revenue_bands to fig_service`.execute(db);
  await sql`grant usage, select on all sequences in schema comp to fig_service`.execute(db);
  await sql`grant select, insert on tenancy.organisations to fig_service`.execute(db);
  await sql`create policy service on tenancy.organisations to fig_service using (true) with check (true)`.execute(db);

  // Account-level identity (RLS is enabled on these without FORCE; a policy for fig_service only).
  await sql`grant select, insert, update on identity.users to fig_service`.execute(db);
  await sql`create policy service on identity.users to fig_service using (true) with check (true)`.execute(db);
  for (const table of ['identity.user_sessions', 'identity.auth_events', 'identity.action_tokens', 'identity.outbox']) {
    await sql.raw(`grant select, insert, update, delete on ${table} to fig_service`).execute(db);
    await sql.raw(`create policy service on ${table} to fig_service using (true) with check (true)`).execute(db);
  }
  await sql`grant usage, select on all sequences in schema identity to fig_service`.execute(db);

  await sql`
    create function app.user_tenants(p_user_id uuid)
    returns table (id uuid, name text, slug text, roles text[])
    language sql stable security definer set search_path = pg_catalog, pg_temp as $$
      select o.id, o.name, o.slug,
             coalesce(array_agg(a.role_key order by a.role_key) filter (where a.role_key is not null), '{}')
      from tenancy.memberships m
      join tenancy.organisations o on o.id = m.tenant_id
      left join tenancy.user_role_assignments a on a.tenant_id = m.tenant_id and a.user_id = m.user_id
      where m.user_id = p_user_id and m.status = 'active'
      group by o.id, o.name, o.slug
      order by o.name
    $$
  `.execute(db);
  await sql`
    create function app.invitation_by_token_hash(p_token_hash text)
    returns setof tenancy.invitations
    language sql stable security definer set search_path = pg_catalog, pg_temp as $$
      select * from tenancy.invitations where token_hash = p_token_hash
    $$
  `.execute(db);
  await sql`revoke all on function app.user_tenants(uuid), app.invitation_by_token_hash(text) from public`.execute(db);
  await sql`grant execute on function app.user_tenants(uuid), app.invitation_by_token_hash(text) to fig_service`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
