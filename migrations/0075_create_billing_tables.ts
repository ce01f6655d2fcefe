import { sql, type Kysely } from 'kysely';

/**
 * Billing (schema `billing`, modules/billing): one Stripe customer and subscription per
 * organisation, the Stripe webhook events as received (unique by event id, so a redelivery is
 * stored once), and the monthly usage reported to Stripe. Permissions billing.read (admin,
 * finance) and billing.manage (admin: checkout, portal).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create schema if not exists billing`.execute(db);
  await sql`grant usage on schema billing to fig_app`.execute(db);
  await sql`
    create table billing.accounts (
      tenant_id uuid primary key references tenancy.organisations (id),
      stripe_customer_id text unique,
      stripe_subscription_id text unique,
      plan text,
      seats integer check (seats is null or seats >= 0),
      status text not null default 'none'
        check (status in ('none', 'incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused')),
      current_period_end timestamptz,
      -- Stripe's "created" (epoch seconds) of the event whose subscription state is stored: an
      -- older event delivered late never overwrites a newer state (out-of-order safe).
      state_at bigint not null default 0,
      state_event_id text,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table billing.usage_reports (
      tenant_id uuid not null references tenancy.organisations (id),
      month date not null check (extract(day from month) = 1),
      metric text not null,
      quantity integer not null check (quantity >= 0),
      reported_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (tenant_id, month, metric)
    )`.execute(db);
  for (const t of ['accounts', 'usage_reports']) {
    await sql.raw(`alter table billing.${t} enable row level security, force row level security`).execute(db);
    await sql
      .raw(`create policy ${t}_tenant on billing.${t} using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant())`)
      .execute(db);
    await sql.raw(`grant select, insert, update on billing.${t} to fig_app`).execute(db);
  }
  // Platform table: events arrive before fig knows their tenant; no route exposes them to tenants.
  await sql`
    create table billing.stripe_events (
      id text primary key,
      type text not null,
      created bigint not null,
      livemode boolean not null,
      payload jsonb not null,
      received_at timestamptz not null default now(),
      processed_at timestamptz,
      error text
    )`.execute(db);
  await sql`grant select, insert, update on billing.stripe_events to fig_app`.execute(db);

  await sql`
    insert into tenancy.permissions (key, description) values
      ('billing.read', 'See the organisation''s plan, seats and subscription state'),
      ('billing.manage', 'Start a checkout or open the billing portal')
    on conflict (key) do nothing`.execute(db);
  for (const [role, perm] of [
    ['admin', 'billing.read'],
    ['admin', 'billing.manage'],
    ['finance', 'billing.read'],
  ]) {
    await sql`insert into tenancy.role_permissions (role_key, permission_key) values (${role}, ${perm}) on conflict do nothing`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
