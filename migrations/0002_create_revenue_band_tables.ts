import { sql, type Kysely } from 'kysely';

/**
 * The revenue band table, the first data fig owns instead of legacy (module modules/bands).
 * Versioned like legacy's band_tables: every change is a new version; the latest one is
 * current. Not tenant-owned yet: the legacy service is single-tenant, so this is one global
 * table (ADR: tenancy for bands arrives with plans, issue 5). Seeded with legacy's default table, as legacy seeds it
 * (version 1, updated_at 2025-06-30T09:00:00.000Z), so a fresh install answers byte-identically.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create schema if not exists comp`.execute(db);
  await sql`grant usage on schema comp to fig_app`.execute(db);
  await sql`
    create table comp.revenue_band_tables (
      version     integer primary key check (version > 0),
      updated_at  timestamptz not null default now(),
      source      text not null default 'seed' check (source in ('seed', 'legacy-sync', 'fig'))
    )
  `.execute(db);
  await sql`
    create table comp.revenue_bands (
      version      integer not null references comp.revenue_band_tables (version),
      position     integer not null check (position >= 0),
      min_revenue  numeric(38, 10) not null check (min_revenue >= 0),
      multiplier   numeric(38, 10) not null,
      primary key (version, position)
    )
  `.execute(db);
  await sql`grant select on comp.revenue_band_tables, comp.revenue_bands to fig_app`.execute(db);
  await sql`insert into comp.revenue_band_tables (version, updated_at, source) values (1, '2025-06-30T09:00:00.000Z', 'seed')`.execute(db);
  await sql`
    insert into comp.revenue_bands (version, position, min_revenue, multiplier)
    values (1, 0, 0, 0.8), (1, 1, 1000000, 1.0), (1, 2, 5000000, 1.2)
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
