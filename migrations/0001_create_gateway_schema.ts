import { sql, type Kysely } from 'kysely';

/**
 * Foundation: the app role used for every tenant-scoped transaction (no BYPASSRLS, see ADR 0002),
 * the app.current_tenant() helper every RLS policy uses, and the gateway's route table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    do $$ begin
      if not exists (select 1 from pg_roles where rolname = 'fig_app') then
        create role fig_app nologin nobypassrls;
      end if;
    end $$;
  `.execute(db);
  await sql`grant fig_app to current_user`.execute(db).catch(() => undefined);
  await sql`create extension if not exists pgcrypto`.execute(db);
  await sql`create schema if not exists app`.execute(db);
  await sql`grant usage on schema app to fig_app`.execute(db);
  // Null when no tenant is set: policies compare tenant_id = null, which is never true.
  await sql`
    create or replace function app.current_tenant() returns uuid
    language sql stable as $$ select nullif(current_setting('app.tenant_id', true), '')::uuid $$
  `.execute(db);

  await sql`create schema if not exists gateway`.execute(db);
  await sql`grant usage on schema gateway to fig_app`.execute(db);
  await sql`
    create table gateway.routes (
      key            text primary key,              -- 'GET /api/v1/invoices/{id}'
      method         text not null,
      path_template  text not null,
      mode           text not null default 'legacy'
                     check (mode in ('legacy', 'shadow', 'canary', 'new')),
      canary_percent integer not null default 0 check (canary_percent between 0 and 100),
      module         text,                          -- module serving the route when not legacy
      write_policy   text not null default 'skip' check (write_policy in ('skip', 'dry-run', 'dual-write')),
      normalise      jsonb not null default '{}'::jsonb,
      gate           jsonb not null default '{}'::jsonb,
      summary        text,
      tags           text[] not null default '{}',
      source         text not null default 'openapi', -- openapi | manual
      version        integer not null default 1,
      created_at     timestamptz not null default now(),
      updated_at     timestamptz not null default now(),
      unique (method, path_template)
    )
  `.execute(db);
  await sql`
    create table gateway.route_changes (
      id          bigint generated always as identity primary key,
      route_key   text not null,
      actor       text not null,
      reason      text not null,
      before      jsonb,
      after       jsonb,
      evidence    jsonb,
      override    boolean not null default false,
      request_id  text,
      created_at  timestamptz not null default now()
    )
  `.execute(db);
  await sql`create index route_changes_route_key_idx on gateway.route_changes (route_key, created_at desc)`.execute(db);
  await sql`create index route_changes_created_at_idx on gateway.route_changes (created_at desc)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
