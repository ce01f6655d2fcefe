import type { FastifyInstance } from 'fastify';
import { bumpIdSequences, computerFor, createRun, createUpload, NUMERIC_COLUMNS } from './index';
import { withTenant } from '../core/db';

interface LegacyPage<T> {
  items: T[];
  total: number;
}

async function all<T>(base: string, path: string): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = (await (await fetch(`${base}${path}${path.includes('?') ? '&' : '?'}limit=1000&offset=${offset}`)).json()) as LegacyPage<T>;
    out.push(...page.items);
    if (out.length >= page.total || page.items.length === 0) return out;
  }
}

/**
 * Test setup: copy a fresh legacy's seeded uploads and batches into fig's LEGACY_TENANT through
 * the domain (same ids, times and hashes; results recomputed by fig's engine), then move the id
 * sequences past legacy's. Not the backfill (that is `npm run shadow -- backfill bonus`): just
 * the starting state both sides share in the differential test.
 */
export async function seedFromLegacy(app: FastifyInstance, legacyUrl: string): Promise<void> {
  const tenantId = app.config.LEGACY_TENANT;
  const deps = { db: app.db, log: app.log, compute: computerFor(app.db) };
  type Up = { id: number; filename: string; sha256: string; created_at: string };
  type Row = { row_no: number; employee_id: string; name: string; department: string } & Record<string, string>;
  type Batch = { id: number; upload_id: number; scenario_name: string | null; pool_amount: string | null; created_at: string };
  for (const u of await all<Up>(legacyUrl, '/api/v1/uploads')) {
    const rows = await all<Row>(legacyUrl, `/api/v1/uploads/${u.id}/rows`);
    await createUpload(deps, tenantId, {
      id: u.id,
      filename: u.filename,
      sha256: u.sha256,
      content: Buffer.alloc(0),
      createdAt: new Date(u.created_at),
      source: 'legacy-backfill',
      rows: rows.map((r) => ({ row_no: r.row_no, employee_id: r.employee_id, name: r.name, department: r.department, inputs: Object.fromEntries(NUMERIC_COLUMNS.map((c) => [c, r[c] as string])) })),
    });
  }
  for (const b of await all<Batch>(legacyUrl, '/api/v1/batches')) {
    await createRun(deps, tenantId, { id: b.id, uploadId: b.upload_id, poolAmount: b.pool_amount, name: b.scenario_name, bands: null, source: 'legacy-backfill', createdAt: new Date(b.created_at) });
  }
  await withTenant(app.db, tenantId, (trx) => bumpIdSequences(trx, {}));
}
