import { sql, type Kysely } from 'kysely';

/**
 * HTTP shadow, canary and gates (issue 7): the per-route pinned canary hash seed, shadow samples
 * (one row per shadowed request: the stats are windowed aggregates over it), the mismatch corpus
 * (redacted, with retention), learned noise paths, id mappings and reconciliation issues of
 * dual-write routes. Gateway-level ops data (not tenant-owned), like gateway.routes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Pinned per route: set once from random bytes, never changed (a trigger refuses updates), so a
  // tenant's canary bucket is the same in every process, after every restart and every flip.
  await sql`alter table gateway.routes add column canary_seed text not null default encode(gen_random_bytes(8), 'hex')`.execute(db);
  await sql`
    create function gateway.keep_canary_seed() returns trigger language plpgsql as $$
    begin
      if new.canary_seed is distinct from old.canary_seed then
        raise exception 'gateway.routes.canary_seed is pinned and cannot change (route %)', old.key;
      end if;
      return new;
    end $$
  `.execute(db);
  await sql`
    create trigger routes_keep_canary_seed before update of canary_seed on gateway.routes
    for each row execute function gateway.keep_canary_seed()
  `.execute(db);

  await sql`create schema if not exists shadow`.execute(db);
  await sql`grant usage on schema shadow to fig_app`.execute(db);
  await sql`
    create table shadow.samples (
      id             bigint generated always as identity primary key,
      route_key      text not null,
      at             timestamptz not null default now(),
      primary_side   text not null check (primary_side in ('legacy', 'new')),
      outcome        text not null check (outcome in ('match', 'mismatch', 'noise', 'skipped', 'error')),
      skip_reason    text,
      legacy_status  integer,
      new_status     integer,
      legacy_ms      double precision,
      new_ms         double precision,
      failing        integer not null default 0,
      money_failing  integer not null default 0,
      max_money_diff numeric(38,10) not null default 0,
      diff_paths     text[] not null default '{}',
      request_id     text
    )
  `.execute(db);
  await sql`create index samples_route_at_idx on shadow.samples (route_key, at desc)`.execute(db);
  await sql`create index samples_at_idx on shadow.samples (at)`.execute(db);

  await sql`
    create table shadow.mismatches (
      id             bigint generated always as identity primary key,
      sample_id      bigint,
      route_key      text not null,
      at             timestamptz not null default now(),
      request        jsonb not null,
      legacy         jsonb not null,
      candidate      jsonb not null,
      diff           jsonb not null
    )
  `.execute(db);
  await sql`create index mismatches_route_at_idx on shadow.mismatches (route_key, at desc, id desc)`.execute(db);
  await sql`create index mismatches_at_idx on shadow.mismatches (at)`.execute(db);

  await sql`
    create table shadow.noise_paths (
      route_key   text not null,
      path        text not null,
      seen        integer not null default 1,
      first_seen  timestamptz not null default now(),
      last_seen   timestamptz not null default now(),
      primary key (route_key, path)
    )
  `.execute(db);

  await sql`
    create table shadow.external_id_mappings (
      entity      text not null,
      legacy_id   text not null,
      new_id      text not null,
      route_key   text not null,
      created_at  timestamptz not null default now(),
      primary key (entity, legacy_id)
    )
  `.execute(db);
  await sql`create index external_id_mappings_new_idx on shadow.external_id_mappings (entity, new_id)`.execute(db);

  await sql`
    create table shadow.reconciliation_issues (
      id           bigint generated always as identity primary key,
      route_key    text not null,
      entity       text not null,
      legacy_id    text,
      new_id       text,
      kind         text not null,
      detail       jsonb not null default '{}'::jsonb,
      status       text not null default 'open' check (status in ('open', 'resolved', 'failed')),
      resolution   text,
      created_at   timestamptz not null default now(),
      resolved_at  timestamptz
    )
  `.execute(db);
  await sql`create index reconciliation_issues_open_idx on shadow.reconciliation_issues (route_key, status, id)`.execute(db);

  await sql`grant select, insert, update, delete on all tables in schema shadow to fig_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
