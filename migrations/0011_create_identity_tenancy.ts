import { sql, type Kysely } from 'kysely';

/**
 * Identity (global: a user can belong to several organisations) and tenancy (organisations,
 * memberships, roles, permissions, role assignments, invitations).
 *
 * Tenant-owned tables (memberships, user_role_assignments, invitations) follow the house RLS
 * pattern: tenant_id not null, RLS enabled + forced, policy on app.current_tenant(), grants to fig_app.
 * Global tables are not FORCEd: their owner (the migration/login connection, see ADR 0002) reads
 * them across tenants for login; fig_app sees only what its policies allow.
 * identity.user_sessions, auth_events, action_tokens and outbox are owner-only: fig_app has no grant.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create schema if not exists identity`.execute(db);
  await sql`create schema if not exists tenancy`.execute(db);
  await sql`grant usage on schema identity, tenancy to fig_app`.execute(db);

  // ---- tenancy: organisations and the role model (global) -------------------------------------
  await sql`
    create table tenancy.organisations (
      id          uuid primary key default gen_random_uuid(),
      name        text not null check (length(name) between 1 and 200),
      slug        text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
      created_at  timestamptz not null default now()
    )
  `.execute(db);
  await sql`
    create table tenancy.roles (
      key          text primary key check (key ~ '^[a-z][a-z0-9_]*$'),
      name         text not null,
      description  text not null default '',
      position     integer not null default 0
    )
  `.execute(db);
  await sql`
    create table tenancy.permissions (
      key          text primary key check (key ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
      description  text not null default ''
    )
  `.execute(db);
  await sql`
    create table tenancy.role_permissions (
      role_key        text not null references tenancy.roles (key) on delete cascade,
      permission_key  text not null references tenancy.permissions (key) on delete cascade,
      primary key (role_key, permission_key)
    )
  `.execute(db);

  // ---- identity: users (global) ----------------------------------------------------------------
  await sql`
    create table identity.users (
      id                 uuid primary key default gen_random_uuid(),
      email              text not null check (email = lower(email) and length(email) between 3 and 320),
      name               text not null default '',
      password_hash      text,
      email_verified_at  timestamptz,
      disabled_at        timestamptz,
      perms_version      integer not null default 1,
      created_at         timestamptz not null default now(),
      updated_at         timestamptz not null default now(),
      unique (email)
    )
  `.execute(db);

  // ---- tenancy: tenant-owned ---------------------------------------------------------------------
  await sql`
    create table tenancy.memberships (
      tenant_id   uuid not null references tenancy.organisations (id) on delete cascade,
      user_id     uuid not null references identity.users (id) on delete cascade,
      status      text not null default 'active' check (status in ('active', 'disabled')),
      created_at  timestamptz not null default now(),
      primary key (tenant_id, user_id)
    )
  `.execute(db);
  await sql`create index memberships_user_idx on tenancy.memberships (user_id)`.execute(db);
  await sql`
    create table tenancy.user_role_assignments (
      tenant_id   uuid not null,
      user_id     uuid not null,
      role_key    text not null references tenancy.roles (key),
      created_at  timestamptz not null default now(),
      primary key (tenant_id, user_id, role_key),
      foreign key (tenant_id, user_id) references tenancy.memberships (tenant_id, user_id) on delete cascade
    )
  `.execute(db);
  await sql`create index user_role_assignments_user_idx on tenancy.user_role_assignments (user_id)`.execute(
    db,
  );
  await sql`
    create table tenancy.invitations (
      id                uuid primary key default gen_random_uuid(),
      tenant_id         uuid not null references tenancy.organisations (id) on delete cascade,
      email             text not null check (email = lower(email)),
      roles             text[] not null,
      token_hash        text not null unique,
      invited_by        uuid,
      invited_by_actor  text not null,
      expires_at        timestamptz not null,
      accepted_at       timestamptz,
      accepted_user_id  uuid,
      revoked_at        timestamptz,
      created_at        timestamptz not null default now()
    )
  `.execute(db);
  await sql`create index invitations_tenant_idx on tenancy.invitations (tenant_id, created_at desc)`.execute(
    db,
  );

  for (const table of ['tenancy.memberships', 'tenancy.user_role_assignments', 'tenancy.invitations']) {
    await sql.raw(`alter table ${table} enable row level security`).execute(db);
    await sql.raw(`alter table ${table} force row level security`).execute(db);
    await sql
      .raw(
        `create policy tenant_isolation on ${table} using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant())`,
      )
      .execute(db);
    await sql.raw(`grant select, insert, update, delete on ${table} to fig_app`).execute(db);
  }

  // Global tables, as seen by fig_app: its own organisation; users who are members of it
  // (memberships is itself tenant-filtered); the role model read-only.
  await sql`alter table tenancy.organisations enable row level security`.execute(db);
  await sql`create policy own_organisation on tenancy.organisations to fig_app using (id = app.current_tenant())`.execute(
    db,
  );
  await sql`grant select, update (name) on tenancy.organisations to fig_app`.execute(db);
  await sql`alter table identity.users enable row level security`.execute(db);
  await sql`
    create policy members_of_tenant on identity.users to fig_app
    using (exists (select 1 from tenancy.memberships m where m.user_id = users.id))
  `.execute(db);
  // Never the password hash.
  await sql`grant select (id, email, name, email_verified_at, disabled_at, perms_version, created_at, updated_at) on identity.users to fig_app`.execute(
    db,
  );
  await sql`grant select on tenancy.roles, tenancy.permissions, tenancy.role_permissions to fig_app`.execute(
    db,
  );

  // ---- identity: owner-only ---------------------------------------------------------------------
  await sql`
    create table identity.user_sessions (
      id                uuid primary key default gen_random_uuid(),
      user_id           uuid not null references identity.users (id) on delete cascade,
      family_id         uuid not null,
      token_hash        text not null unique,
      active_tenant_id  uuid references tenancy.organisations (id) on delete set null,
      created_at        timestamptz not null default now(),
      expires_at        timestamptz not null,
      rotated_at        timestamptz,
      replaced_by       uuid,
      revoked_at        timestamptz,
      revoke_reason     text,
      ip                text,
      user_agent        text
    )
  `.execute(db);
  await sql`create index user_sessions_family_idx on identity.user_sessions (family_id)`.execute(db);
  await sql`create index user_sessions_user_idx on identity.user_sessions (user_id) where revoked_at is null`.execute(
    db,
  );
  await sql`
    create table identity.auth_events (
      id          bigint generated always as identity primary key,
      user_id     uuid,
      email       text,
      type        text not null,
      ip          text,
      user_agent  text,
      detail      jsonb not null default '{}'::jsonb,
      created_at  timestamptz not null default now()
    )
  `.execute(db);
  await sql`create index auth_events_user_idx on identity.auth_events (user_id, created_at desc)`.execute(db);
  await sql`create index auth_events_type_idx on identity.auth_events (type, created_at desc)`.execute(db);
  await sql`
    create table identity.action_tokens (
      id          uuid primary key default gen_random_uuid(),
      user_id     uuid not null references identity.users (id) on delete cascade,
      purpose     text not null check (purpose in ('verify_email', 'reset_password')),
      token_hash  text not null unique,
      expires_at  timestamptz not null,
      used_at     timestamptz,
      created_at  timestamptz not null default now()
    )
  `.execute(db);
  await sql`
    create table identity.outbox (
      id          bigint generated always as identity primary key,
      kind        text not null,
      to_email    text not null,
      subject     text not null,
      body        text not null,
      payload     jsonb not null default '{}'::jsonb,
      created_at  timestamptz not null default now(),
      sent_at     timestamptz
    )
  `.execute(db);
  for (const table of [
    'identity.user_sessions',
    'identity.auth_events',
    'identity.action_tokens',
    'identity.outbox',
  ]) {
    // RLS on with no policy: fig_app (which also has no grant) could see nothing even if granted.
    await sql.raw(`alter table ${table} enable row level security`).execute(db);
  }
  // A tenant transaction may queue a message (an invitation mail) atomically with its action,
  // but can never read the outbox back.
  await sql`create policy app_enqueue on identity.outbox for insert to fig_app with check (true)`.execute(db);
  await sql`grant insert on identity.outbox to fig_app`.execute(db);
  await sql`grant usage on all sequences in schema identity to fig_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
