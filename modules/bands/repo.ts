import { Decimal } from '../core/decimal';
import { sql } from 'kysely';
import type { Db } from '../core/db';
import type { RevenueBandTableBody } from './schema';
import './tables';

/** Canonical decimal string like legacy's: plain notation, trailing zeros trimmed, no -0. */
export function canonical(value: string): string {
  const d = new Decimal(value);
  return d.isZero() ? '0' : d.toFixed();
}

/**
 * The latest band table, in legacy's wire shape; undefined when there is none. One round trip
 * (the head row and its bands aggregated in Postgres): this read answers a hot legacy route.
 */
export async function findCurrentBandTable(db: Db): Promise<RevenueBandTableBody | undefined> {
  const { rows } = await sql<{ version: number; updated_at: Date; bands: { min_revenue: string; multiplier: string }[] }>`
    select t.version, t.updated_at,
      coalesce(json_agg(json_build_object('min_revenue', b.min_revenue::text, 'multiplier', b.multiplier::text) order by b.min_revenue)
        filter (where b.version is not null), '[]'::json) as bands
    from (select version, updated_at from comp.revenue_band_tables order by version desc limit 1) t
    left join comp.revenue_bands b on b.version = t.version
    group by t.version, t.updated_at`.execute(db);
  const head = rows[0];
  if (!head) return undefined;
  return {
    version: head.version,
    bands: head.bands.map((b) => ({ min_revenue: canonical(b.min_revenue), multiplier: canonical(b.multiplier) })),
    updated_at: head.updated_at.toISOString(),
  };
}

/**
 * Store a band table at the version legacy numbered it. An existing version is replaced
 * (legacy is the source of truth until the band writes move to fig). Returns what happened.
 */
export async function upsertBandTable(db: Db, table: RevenueBandTableBody, source: 'legacy-sync' | 'fig'): Promise<'added' | 'updated'> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('comp.revenue_band_tables')
      .select('version')
      .where('version', '=', table.version)
      .forUpdate()
      .executeTakeFirst();
    if (existing) {
      await trx.deleteFrom('comp.revenue_bands').where('version', '=', table.version).execute();
      await trx
        .updateTable('comp.revenue_band_tables')
        .set({ updated_at: table.updated_at, source })
        .where('version', '=', table.version)
        .execute();
    } else {
      await trx.insertInto('comp.revenue_band_tables').values({ version: table.version, updated_at: table.updated_at, source }).execute();
    }
    await trx
      .insertInto('comp.revenue_bands')
      .values(table.bands.map((b, position) => ({ version: table.version, position, min_revenue: b.min_revenue, multiplier: b.multiplier })))
      .execute();
    return existing ? 'updated' : 'added';
  });
}

/**
 * Add the next band table version (legacy's PUT /api/v1/admin/revenue-bands as fig serves it):
 * version = highest + 1, under a transaction-scoped advisory lock so concurrent writers queue.
 * `bands` are canonical decimal strings, ascending. Returns the new table in legacy's shape.
 */
export async function appendBandTable(db: Db, bands: { min_revenue: string; multiplier: string }[], updatedAt: Date): Promise<RevenueBandTableBody> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('comp.revenue_band_tables'))`.execute(trx);
    const head = await trx.selectFrom('comp.revenue_band_tables').select((eb) => eb.fn.max('version').as('v')).executeTakeFirst();
    const version = Number(head?.v ?? 0) + 1;
    await trx.insertInto('comp.revenue_band_tables').values({ version, updated_at: updatedAt, source: 'fig' }).execute();
    await trx
      .insertInto('comp.revenue_bands')
      .values(bands.map((b, position) => ({ version, position, min_revenue: b.min_revenue, multiplier: b.multiplier })))
      .execute();
    return { version, bands, updated_at: updatedAt.toISOString() };
  });
}

/** One band table version in legacy's wire shape, if fig has it. */
export async function findBandTableVersion(db: Db, version: number): Promise<RevenueBandTableBody | undefined> {
  const head = await db.selectFrom('comp.revenue_band_tables').select(['version', 'updated_at']).where('version', '=', version).executeTakeFirst();
  if (!head) return undefined;
  const bands = await db.selectFrom('comp.revenue_bands').select(['min_revenue', 'multiplier']).where('version', '=', version).orderBy('position').execute();
  return {
    version: head.version,
    bands: bands.map((b) => ({ min_revenue: canonical(String(b.min_revenue)), multiplier: canonical(String(b.multiplier)) })),
    updated_at: head.updated_at.toISOString(),
  };
}

/**
 * Store a band table version legacy numbered, unless fig has that version already (the legacy
 * backfill: versions are never rewritten). Returns whether it was added.
 */
export async function insertBandTableVersion(db: Db, table: RevenueBandTableBody, source: 'legacy-sync' | 'fig'): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const added = await trx
      .insertInto('comp.revenue_band_tables')
      .values({ version: table.version, updated_at: table.updated_at, source })
      .onConflict((oc) => oc.column('version').doNothing())
      .returning('version')
      .executeTakeFirst();
    if (!added) return false;
    await trx
      .insertInto('comp.revenue_bands')
      .values(table.bands.map((b, position) => ({ version: table.version, position, min_revenue: b.min_revenue, multiplier: b.multiplier })))
      .execute();
    return true;
  });
}
