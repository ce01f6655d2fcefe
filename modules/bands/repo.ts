import Decimal from 'decimal.js';
import type { Db } from '../core/db';
import type { RevenueBandTableBody } from './schema';
import './tables';

/** Canonical decimal string like legacy's: plain notation, trailing zeros trimmed, no -0. */
export function canonical(value: string): string {
  const d = new Decimal(value);
  return d.isZero() ? '0' : d.toFixed();
}

/** The latest band table, in legacy's wire shape; undefined when there is none. */
export async function findCurrentBandTable(db: Db): Promise<RevenueBandTableBody | undefined> {
  const head = await db.selectFrom('comp.revenue_band_tables').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
  if (!head) return undefined;
  const bands = await db
    .selectFrom('comp.revenue_bands')
    .select(['min_revenue', 'multiplier'])
    .where('version', '=', head.version)
    .orderBy('min_revenue')
    .execute();
  return {
    version: head.version,
    bands: bands.map((b) => ({ min_revenue: canonical(b.min_revenue), multiplier: canonical(b.multiplier) })),
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
