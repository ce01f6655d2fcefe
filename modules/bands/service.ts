import type { Db } from '../core/db';
import type { LegacyRouteHandler } from '../core/module';
import { findCurrentBandTable, upsertBandTable } from './repo';
import { RevenueBandTableBody } from './schema';

/** GET /api/v1/admin/revenue-bands answered from fig's Postgres, in legacy's exact JSON shape. */
export const getRevenueBands: LegacyRouteHandler = async (_req, { db }) => {
  const table = await findCurrentBandTable(db);
  if (!table) {
    // Legacy always has a table (it seeds the default); so does fig (migration 0002). Defensive only.
    return { status: 404, headers: { 'content-type': 'application/json' }, body: { detail: 'No revenue band table' } };
  }
  return { status: 200, body: table };
};

/**
 * Copy the current band table from the legacy service into fig (`npm run fig -- bands sync`).
 * Idempotent; returns the synced table and whether it was new.
 */
export async function syncBandsFromLegacy(db: Db, legacyUrl: string): Promise<{ table: RevenueBandTableBody; result: 'added' | 'updated' }> {
  const res = await fetch(new URL('/api/v1/admin/revenue-bands', legacyUrl), { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`legacy answered ${res.status} to GET /api/v1/admin/revenue-bands`);
  const parsed = RevenueBandTableBody.safeParse(await res.json());
  if (!parsed.success) {
    throw new Error(`legacy's band table has an unexpected shape: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const result = await upsertBandTable(db, parsed.data, 'legacy-sync');
  return { table: parsed.data, result };
}
