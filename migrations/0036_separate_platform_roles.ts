import { sql, type Kysely } from 'kysely';

/**
 * Platform roles are not tenant roles. A tenant's admin manages people inside the organisation;
 * `ops` acts on the global route table, the kill switch and the shadow corpus (legacy payloads of
 * every tenant), so it must never be grantable through a tenant's invitations or member edits.
 *
 * - tenancy.roles.scope and tenancy.permissions.scope: 'tenant' or 'platform'. `ops` is a platform
 *   role; `routes.*` and the new `platform.roles.*` are platform permissions. A tenant role may not
 *   hold a platform permission (trigger), so admin and auditor lose `routes.read`.
 * - identity.platform_role_grants: platform roles keyed by user, not tenant (owner-only, like
 *   sessions). A composite foreign key on (role_key, 'platform') admits only platform roles.
 * - tenancy.user_role_assignments gets the mirror key on (role_key, 'tenant'): the database itself
 *   refuses `ops` inside a tenant. Invitations (a text[] of roles) are checked by a trigger.
 * - identity.platform_role_events: append-only audit of every grant and revoke (actor, reason).
 * - Existing `ops` assignments become platform grants (recorded as events by `migration`, with the
 *   tenant they came from, for an operator to review) and leave the tenant; pending invitations
 *   lose their platform roles and are revoked when nothing is left.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // ---- scope on roles and permissions --------------------------------------------------------
  await sql`alter table tenancy.roles add column scope text not null default 'tenant' check (scope in ('tenant', 'platform'))`.execute(
    db,
  );
  await sql`alter table tenancy.roles add constraint roles_key_scope_key unique (key, scope)`.execute(db);
  await sql`update tenancy.roles set scope = 'platform', description = 'Operates the platform: route table, kill switch, shadow corpus, parity evidence, platform roles' where key = 'ops'`.execute(
    db,
  );
  await sql`alter table tenancy.permissions add column scope text not null default 'tenant' check (scope in ('tenant', 'platform'))`.execute(
    db,
  );
  await sql`update tenancy.permissions set scope = 'platform' where key like 'routes.%'`.execute(db);
  await sql`
    insert into tenancy.permissions (key, description, scope) values
      ('platform.roles.read', 'See who holds a platform role and the grant history', 'platform'),
      ('platform.roles.manage', 'Grant and revoke platform roles (with a reason)', 'platform')
    on conflict (key) do nothing
  `.execute(db);
  await sql`
    insert into tenancy.role_permissions (role_key, permission_key)
    values ('ops', 'platform.roles.read'), ('ops', 'platform.roles.manage')
    on conflict do nothing
  `.execute(db);
  // Tenant roles give up platform permissions (admin and auditor held routes.read).
  await sql`
    delete from tenancy.role_permissions rp
    using tenancy.roles r, tenancy.permissions p
    where rp.role_key = r.key and rp.permission_key = p.key and r.scope = 'tenant' and p.scope = 'platform'
  `.execute(db);
  await sql`
    create function tenancy.refuse_platform_permission_for_tenant_role() returns trigger
    language plpgsql as $$
    begin
      if exists (select 1 from tenancy.roles r, tenancy.permissions p
                 where r.key = new.role_key and p.key = new.permission_key
                   and r.scope = 'tenant' and p.scope = 'platform') then
        raise exception 'tenant role % cannot hold platform permission %', new.role_key, new.permission_key
          using errcode = 'check_violation';
      end if;
      return new;
    end $$
  `.execute(db);
  await sql`
    create trigger role_permissions_scope
    before insert or update on tenancy.role_permissions
    for each row execute function tenancy.refuse_platform_permission_for_tenant_role()
  `.execute(db);

  // ---- platform grants and their audit --------------------------------------------------------
  await sql`
    create table identity.platform_role_grants (
      user_id           uuid not null references identity.users (id) on delete cascade,
      role_key          text not null,
      role_scope        text not null default 'platform' check (role_scope = 'platform'),
      granted_by        uuid references identity.users (id) on delete set null,
      granted_by_actor  text not null,
      reason            text not null check (length(reason) between 3 and 2000),
      created_at        timestamptz not null default now(),
      primary key (user_id, role_key),
      foreign key (role_key, role_scope) references tenancy.roles (key, scope)
    )
  `.execute(db);
  await sql`
    create table identity.platform_role_events (
      id          bigint generated always as identity primary key,
      user_id     uuid not null,
      email       text not null,
      role_key    text not null,
      action      text not null check (action in ('grant', 'revoke')),
      actor       text not null,
      actor_id    text,
      reason      text not null,
      request_id  text,
      ip          text,
      created_at  timestamptz not null default now()
    )
  `.execute(db);
  await sql`create index platform_role_events_created_idx on identity.platform_role_events (created_at desc, id desc)`.execute(
    db,
  );
  await sql`
    create trigger platform_role_events_append_only
    before update or delete on identity.platform_role_events
    for each row execute function audit.refuse_change()
  `.execute(db);
  await sql`
    create trigger platform_role_events_no_truncate
    before truncate on identity.platform_role_events
    for each statement execute function audit.refuse_change()
  `.execute(db);
  // Owner-only, like sessions: RLS on with no policy and no grant, so fig_app sees nothing.
  await sql`alter table identity.platform_role_grants enable row level security`.execute(db);
  await sql`alter table identity.platform_role_events enable row level security`.execute(db);

  // ---- move existing ops assignments out of the tenants ---------------------------------------
  // The tables are FORCEd; lift that for this transaction only, so the move works whatever the
  // owner's attributes (the migration is one transaction: FORCE is back before anyone sees it).
  await sql`alter table tenancy.user_role_assignments no force row level security`.execute(db);
  await sql`alter table tenancy.invitations no force row level security`.execute(db);
  await sql`
    insert into identity.platform_role_grants (user_id, role_key, granted_by_actor, reason)
    select a.user_id, a.role_key, 'migration',
           'migrated from tenant role ' || a.role_key || ' in ' || string_agg(o.slug, ', ' order by o.slug)
    from tenancy.user_role_assignments a
    join tenancy.roles r on r.key = a.role_key and r.scope = 'platform'
    join tenancy.organisations o on o.id = a.tenant_id
    group by a.user_id, a.role_key
    on conflict do nothing
  `.execute(db);
  await sql`
    insert into identity.platform_role_events (user_id, email, role_key, action, actor, reason)
    select g.user_id, u.email, g.role_key, 'grant', 'migration', g.reason
    from identity.platform_role_grants g join identity.users u on u.id = g.user_id
  `.execute(db);
  await sql`
    delete from tenancy.user_role_assignments a using tenancy.roles r
    where r.key = a.role_key and r.scope = 'platform'
  `.execute(db);
  await sql`
    update tenancy.invitations i
    set roles = array(select x from unnest(i.roles) x join tenancy.roles r on r.key = x and r.scope = 'tenant' order by x),
        revoked_at = case when exists (select 1 from unnest(i.roles) x join tenancy.roles r on r.key = x and r.scope = 'tenant')
                          then i.revoked_at else now() end
    where i.accepted_at is null and i.revoked_at is null
      and exists (select 1 from unnest(i.roles) x join tenancy.roles r on r.key = x and r.scope = 'platform')
  `.execute(db);

  // ---- the database refuses platform roles inside a tenant -------------------------------------
  await sql`alter table tenancy.user_role_assignments add column role_scope text not null default 'tenant' check (role_scope = 'tenant')`.execute(
    db,
  );
  await sql`
    alter table tenancy.user_role_assignments
    add constraint user_role_assignments_tenant_role_fkey
    foreign key (role_key, role_scope) references tenancy.roles (key, scope)
  `.execute(db);
  await sql`
    create function tenancy.refuse_non_tenant_invitation_roles() returns trigger
    language plpgsql as $$
    declare bad text;
    begin
      select x into bad from unnest(new.roles) x
      where not exists (select 1 from tenancy.roles r where r.key = x and r.scope = 'tenant') limit 1;
      if bad is not null then
        raise exception 'invitation role % is not a tenant role', bad using errcode = 'check_violation';
      end if;
      return new;
    end $$
  `.execute(db);
  await sql`
    create trigger invitations_tenant_roles_only
    before insert or update of roles on tenancy.invitations
    for each row execute function tenancy.refuse_non_tenant_invitation_roles()
  `.execute(db);
  await sql`alter table tenancy.user_role_assignments force row level security`.execute(db);
  await sql`alter table tenancy.invitations force row level security`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
