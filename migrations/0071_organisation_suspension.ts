import { sql, type Kysely } from 'kysely';

/*
 * Tenant onboarding, platform side: an organisation can be suspended (and reactivated) by ops.
 * - tenancy.organisations gains suspended_at / suspended_reason; fig_service may update only those.
 * - app.user_tenants (migrations/0040) also answers whether each organisation is suspended, so
 *   sign-in and refresh can refuse a suspended one with a clear problem.
 * - platform permissions platform.tenants.read / platform.tenants.manage for the ops role.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table tenancy.organisations
      add column suspended_at timestamptz,
      add column suspended_reason text check (suspended_reason is null or length(suspended_reason) between 1 and 500)
  `.execute(db);
  await sql`grant update (suspended_at, suspended_reason) on tenancy.organisations to fig_service`.execute(
    db,
  );

  await sql`drop function app.user_tenants(uuid)`.execute(db);
  await sql`
    create function app.user_tenants(p_user_id uuid)
    returns table (id uuid, name text, slug text, roles text[], suspended boolean)
    language sql stable security definer set search_path = pg_catalog, pg_temp as $$
      select o.id, o.name, o.slug,
             coalesce(array_agg(a.role_key order by a.role_key) filter (where a.role_key is not null), '{}'),
             o.suspended_at is not null
      from tenancy.memberships m
      join tenancy.organisations o on o.id = m.tenant_id
      left join tenancy.user_role_assignments a on a.tenant_id = m.tenant_id and a.user_id = m.user_id
      where m.user_id = p_user_id and m.status = 'active'
      group by o.id, o.name, o.slug, o.suspended_at
      order by o.name
    $$
  `.execute(db);
  await sql`revoke all on function app.user_tenants(uuid) from public`.execute(db);
  await sql`grant execute on function app.user_tenants(uuid) to fig_service`.execute(db);

  await sql`
    insert into tenancy.permissions (key, description, scope) values
      ('platform.tenants.read', 'List every organisation with its status', 'platform'),
      ('platform.tenants.manage', 'Create, suspend and reactivate organisations (with a reason)', 'platform')
    on conflict (key) do nothing
  `.execute(db);
  await sql`
    insert into tenancy.role_permissions (role_key, permission_key)
    values ('ops', 'platform.tenants.read'), ('ops', 'platform.tenants.manage')
    on conflict do nothing
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
