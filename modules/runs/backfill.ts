import { withTenant, type Db } from '../core/db';
import { findBandTableVersion, insertBandTableVersion } from '../bands/index';
import { findLatestLockedPlan, LEGACY_EQUIVALENT_NAME } from '../plans/index';
import { bumpIdSequences } from './sequences';
import { LEGACY_OUTPUTS, POOL_OUTPUT } from './compute';
import { NUMERIC_COLUMNS } from './legacy/employee-csv';
import * as repo from './repo';
import type { BandRow } from './tables';

/** Counts of one entity: copied now, already in fig (same record), or not mapped (see `unmapped`). */
export interface EntityCounts {
  legacy: number;
  copied: number;
  existing: number;
  unmapped: number;
}

export interface BonusBackfillReport {
  tenantId: string;
  uploads: EntityCounts;
  rows: { copied: number };
  batches: EntityCounts;
  results: { copied: number };
  scenarios: EntityCounts;
  bandVersions: EntityCounts;
  /** Records that could not be copied as they are, and why (nothing is half-copied: each record commits whole). */
  unmapped: { entity: 'upload' | 'batch' | 'scenario' | 'band-version'; id: number; reason: string }[];
  /** The next id fig hands out per table (past legacy's highest). */
  nextIds: Record<string, number>;
}

interface LegacyUpload {
  id: number;
  filename: string;
  row_count: number;
  sha256: string;
  created_at: string;
}
interface LegacyRow {
  row_no: number;
  employee_id: string;
  name: string;
  department: string;
  [k: string]: unknown;
}
interface LegacyBatch {
  id: number;
  upload_id: number;
  scenario_name: string | null;
  pool_amount: string | null;
  pool_applied: boolean;
  band_version: number | null;
  bands: BandRow[];
  status: string;
  employee_count: number;
  total_bonus: string;
  total_pool_bonus: string | null;
  created_at: string;
}
interface LegacyScenario {
  id: number;
  name: string;
  upload_id: number;
  batch_id: number;
  created_at: string;
}

const PAGE = 1000; // legacy's MAX_LIMIT

async function legacyJson<T>(legacyUrl: string, path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(new URL(path, legacyUrl), { signal: signal ?? AbortSignal.timeout(60_000) });
  if (!res.ok) throw new Error(`legacy answered ${res.status} to GET ${path}`);
  return (await res.json()) as T;
}

/** Every item of a legacy list endpoint ({items, total, limit, offset}), oldest first. */
async function legacyAll<T>(legacyUrl: string, path: string, signal?: AbortSignal): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await legacyJson<{ items: T[]; total: number }>(
      legacyUrl,
      `${path}${sep}limit=${PAGE}&offset=${offset}`,
      signal,
    );
    out.push(...page.items);
    if (page.items.length < PAGE || offset + PAGE >= page.total) return out;
  }
}

const counts = (): EntityCounts => ({ legacy: 0, copied: 0, existing: 0, unmapped: 0 });
const sameBands = (a: BandRow[], b: BandRow[]) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Copy legacy's bonus data (band versions, uploads with their rows, batches with their results,
 * scenarios) into `tenantId` with the same integer ids, then move fig's id sequences past
 * legacy's highest ids. Reads legacy through its own API. Idempotent: a record fig already has
 * with the same id is counted `existing` when it is the same record (uploads: same sha256 and row
 * count; batches: same upload and totals; scenarios: same batch and name), else `unmapped` with
 * the reason; nothing is overwritten. Each record commits whole (upload + rows, batch + results).
 * Backfilled batches keep legacy's stored results (not recomputed) and record the tenant's current
 * legacy-equivalent plan version, when it has one, beside legacy's band version.
 */
export async function backfillBonus(
  deps: { db: Db; legacyUrl: string },
  tenantId: string,
  opts: { signal?: AbortSignal } = {},
): Promise<BonusBackfillReport> {
  const { db, legacyUrl } = deps;
  const report: BonusBackfillReport = {
    tenantId,
    uploads: counts(),
    rows: { copied: 0 },
    batches: counts(),
    results: { copied: 0 },
    scenarios: counts(),
    bandVersions: counts(),
    unmapped: [],
    nextIds: {},
  };
  const unmapped = (
    entity: BonusBackfillReport['unmapped'][number]['entity'],
    id: number,
    reason: string,
    c: EntityCounts,
  ) => {
    report.unmapped.push({ entity, id, reason });
    c.unmapped++;
  };

  // Band versions: the current table (with its updated_at) and every version a batch used.
  const current = await legacyJson<{ version: number; bands: BandRow[]; updated_at: string }>(
    legacyUrl,
    '/api/v1/admin/revenue-bands',
    opts.signal,
  );
  const batches = await legacyAll<LegacyBatch>(legacyUrl, '/api/v1/batches', opts.signal);
  const versions = new Map<number, { version: number; bands: BandRow[]; updated_at: string }>([
    [current.version, current],
  ]);
  for (const b of batches)
    if (b.band_version !== null && !versions.has(b.band_version))
      versions.set(b.band_version, { version: b.band_version, bands: b.bands, updated_at: b.created_at });
  for (const v of [...versions.values()].sort((x, y) => x.version - y.version)) {
    report.bandVersions.legacy++;
    const have = await findBandTableVersion(db, v.version);
    if (!have) {
      await insertBandTableVersion(db, v, 'legacy-sync');
      report.bandVersions.copied++;
    } else if (sameBands(have.bands, v.bands)) report.bandVersions.existing++;
    else
      unmapped(
        'band-version',
        v.version,
        `fig's band version ${v.version} has other bands than legacy's`,
        report.bandVersions,
      );
  }

  const uploads = await legacyAll<LegacyUpload>(legacyUrl, '/api/v1/uploads', opts.signal);
  for (const u of uploads) {
    report.uploads.legacy++;
    const have = await withTenant(db, tenantId, (trx) => repo.findUpload(trx, u.id));
    if (have) {
      if (have.sha256 === u.sha256 && have.row_count === u.row_count) report.uploads.existing++;
      else
        unmapped(
          'upload',
          u.id,
          `fig's upload ${u.id} is another file (sha256 ${have.sha256.slice(0, 12)}…, ${have.row_count} rows)`,
          report.uploads,
        );
      continue;
    }
    const rows = await legacyAll<LegacyRow>(legacyUrl, `/api/v1/uploads/${u.id}/rows`, opts.signal);
    if (rows.length !== u.row_count) {
      unmapped(
        'upload',
        u.id,
        `legacy lists ${rows.length} rows for an upload of ${u.row_count}`,
        report.uploads,
      );
      continue;
    }
    await withTenant(db, tenantId, async (trx) => {
      await repo.insertUpload(trx, {
        id: u.id,
        tenant_id: tenantId,
        filename: u.filename,
        row_count: u.row_count,
        sha256: u.sha256,
        size_bytes: 0,
        content_type: null,
        storage_key: null,
        columns: null,
        source: 'legacy-backfill',
        created_by: 'legacy-backfill',
        created_at: u.created_at,
      });
      await repo.insertUploadRows(
        trx,
        rows.map((r) => ({
          upload_id: u.id,
          tenant_id: tenantId,
          row_no: r.row_no,
          employee_id: r.employee_id,
          name: r.name,
          department: r.department,
          inputs: JSON.stringify(Object.fromEntries(NUMERIC_COLUMNS.map((c) => [c, String(r[c])]))),
        })),
      );
    });
    report.uploads.copied++;
    report.rows.copied += rows.length;
  }

  const plan = await withTenant(db, tenantId, (trx) =>
    findLatestLockedPlan(trx, tenantId, LEGACY_EQUIVALENT_NAME),
  );
  for (const b of batches) {
    report.batches.legacy++;
    const [have, upload] = await withTenant(db, tenantId, (trx) =>
      Promise.all([repo.findRun(trx, b.id), repo.findUpload(trx, b.upload_id)]),
    );
    if (have) {
      if (have.upload_id === b.upload_id && have.total_bonus === b.total_bonus) report.batches.existing++;
      else
        unmapped(
          'batch',
          b.id,
          `fig's run ${b.id} is another batch (upload ${have.upload_id}, total ${have.total_bonus})`,
          report.batches,
        );
      continue;
    }
    if (!upload) {
      unmapped('batch', b.id, `its upload ${b.upload_id} is not in fig`, report.batches);
      continue;
    }
    const results = await legacyAll<LegacyRow>(legacyUrl, `/api/v1/batches/${b.id}/results`, opts.signal);
    await withTenant(db, tenantId, async (trx) => {
      await repo.insertRun(trx, {
        id: b.id,
        tenant_id: tenantId,
        upload_id: b.upload_id,
        plan_id: plan?.id ?? null,
        plan_version: plan?.version ?? null,
        band_version: b.band_version,
        bands: JSON.stringify(b.bands),
        name: b.scenario_name,
        pool_amount: b.pool_amount,
        pool_applied: b.pool_applied,
        status: b.status as 'completed',
        employee_count: b.employee_count,
        failed_count: 0,
        total_bonus: b.total_bonus,
        total_pool_bonus: b.total_pool_bonus,
        source: 'legacy-backfill',
        created_by: 'legacy-backfill',
        created_at: b.created_at,
        completed_at: b.created_at,
      });
      await repo.insertRunResults(
        trx,
        results.map((r) => ({
          run_id: b.id,
          tenant_id: tenantId,
          row_no: r.row_no,
          employee_id: r.employee_id,
          ok: true,
          error: null,
          outputs: JSON.stringify({
            ...Object.fromEntries(LEGACY_OUTPUTS.map((o) => [o, String(r[o])])),
            ...(r[POOL_OUTPUT] === null || r[POOL_OUTPUT] === undefined
              ? {}
              : { [POOL_OUTPUT]: String(r[POOL_OUTPUT]) }),
          }),
        })),
      );
    });
    report.batches.copied++;
    report.results.copied += results.length;
  }

  const scenarios = await legacyAll<LegacyScenario>(legacyUrl, '/api/v1/scenarios', opts.signal);
  for (const s of scenarios) {
    report.scenarios.legacy++;
    const [have, run] = await withTenant(db, tenantId, (trx) =>
      Promise.all([repo.findScenario(trx, s.id), repo.findRun(trx, s.batch_id)]),
    );
    if (have) {
      if (have.run_id === s.batch_id && have.name === s.name) report.scenarios.existing++;
      else
        unmapped(
          'scenario',
          s.id,
          `fig's scenario ${s.id} is another scenario (${have.name}, run ${have.run_id})`,
          report.scenarios,
        );
      continue;
    }
    if (!run) {
      unmapped('scenario', s.id, `its batch ${s.batch_id} is not in fig`, report.scenarios);
      continue;
    }
    await withTenant(db, tenantId, (trx) =>
      repo.insertScenario(trx, {
        id: s.id,
        tenant_id: tenantId,
        name: s.name,
        upload_id: s.upload_id,
        run_id: s.batch_id,
        created_at: s.created_at,
      }),
    );
    report.scenarios.copied++;
  }

  const max = (xs: { id: number }[]) => xs.reduce((m, x) => Math.max(m, x.id), 0);
  report.nextIds = await bumpIdSequences(db, {
    'runs.uploads': max(uploads),
    'runs.runs': max(batches),
    'runs.scenarios': max(scenarios),
  });
  return report;
}
