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

  const ctx: CopyContext = {
    db,
    legacyUrl,
    tenantId,
    signal: opts.signal,
    plan: await withTenant(db, tenantId, (trx) =>
      findLatestLockedPlan(trx, tenantId, LEGACY_EQUIVALENT_NAME),
    ),
  };
  const tally = (
    entity: 'upload' | 'batch' | 'scenario',
    id: number,
    c: EntityCounts,
    outcome: CopyOutcome,
  ) => {
    c.legacy++;
    if (outcome.result === 'copied') c.copied++;
    else if (outcome.result === 'existing') c.existing++;
    else unmapped(entity, id, outcome.reason, c);
  };
  const uploads = await legacyAll<LegacyUpload>(legacyUrl, '/api/v1/uploads', opts.signal);
  for (const u of uploads) {
    const outcome = await copyUpload(ctx, u);
    tally('upload', u.id, report.uploads, outcome);
    if (outcome.result === 'copied') report.rows.copied += outcome.children;
  }
  for (const b of batches) {
    const outcome = await copyBatch(ctx, b);
    tally('batch', b.id, report.batches, outcome);
    if (outcome.result === 'copied') report.results.copied += outcome.children;
  }
  const scenarios = await legacyAll<LegacyScenario>(legacyUrl, '/api/v1/scenarios', opts.signal);
  for (const s of scenarios) tally('scenario', s.id, report.scenarios, await copyScenario(ctx, s));

  const max = (xs: { id: number }[]) => xs.reduce((m, x) => Math.max(m, x.id), 0);
  report.nextIds = await bumpIdSequences(db, {
    'runs.uploads': max(uploads),
    'runs.runs': max(batches),
    'runs.scenarios': max(scenarios),
  });
  return report;
}

interface CopyContext {
  db: Db;
  legacyUrl: string;
  tenantId: string;
  signal?: AbortSignal;
  plan: { id: string; version: number } | undefined;
}

/** What copying one legacy record did: copied (with its rows/results), found the same record, or could not map it. */
type CopyOutcome =
  { result: 'copied'; children: number } | { result: 'existing' } | { result: 'unmapped'; reason: string };

/** Copy one legacy upload and its rows with its id, unless fig has it (same file) or another record under that id. */
async function copyUpload(ctx: CopyContext, u: LegacyUpload): Promise<CopyOutcome> {
  const { db, tenantId } = ctx;
  const have = await withTenant(db, tenantId, (trx) => repo.findUpload(trx, u.id));
  if (have) {
    return have.sha256 === u.sha256 && have.row_count === u.row_count
      ? { result: 'existing' }
      : {
          result: 'unmapped',
          reason: `fig's upload ${u.id} is another file (sha256 ${have.sha256.slice(0, 12)}…, ${have.row_count} rows)`,
        };
  }
  const rows = await legacyAll<LegacyRow>(ctx.legacyUrl, `/api/v1/uploads/${u.id}/rows`, ctx.signal);
  if (rows.length !== u.row_count)
    return { result: 'unmapped', reason: `legacy lists ${rows.length} rows for an upload of ${u.row_count}` };
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
  return { result: 'copied', children: rows.length };
}

/** Copy one legacy batch and its results with its id (legacy's stored results, not recomputed). */
async function copyBatch(ctx: CopyContext, b: LegacyBatch): Promise<CopyOutcome> {
  const { db, tenantId, plan } = ctx;
  const [have, upload] = await withTenant(db, tenantId, (trx) =>
    Promise.all([repo.findRun(trx, b.id), repo.findUpload(trx, b.upload_id)]),
  );
  if (have) {
    return have.upload_id === b.upload_id && have.total_bonus === b.total_bonus
      ? { result: 'existing' }
      : {
          result: 'unmapped',
          reason: `fig's run ${b.id} is another batch (upload ${have.upload_id}, total ${have.total_bonus})`,
        };
  }
  if (!upload) return { result: 'unmapped', reason: `its upload ${b.upload_id} is not in fig` };
  const results = await legacyAll<LegacyRow>(ctx.legacyUrl, `/api/v1/batches/${b.id}/results`, ctx.signal);
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
  return { result: 'copied', children: results.length };
}

/** Copy one legacy scenario with its id. */
async function copyScenario(ctx: CopyContext, s: LegacyScenario): Promise<CopyOutcome> {
  const { db, tenantId } = ctx;
  const [have, run] = await withTenant(db, tenantId, (trx) =>
    Promise.all([repo.findScenario(trx, s.id), repo.findRun(trx, s.batch_id)]),
  );
  if (have) {
    return have.run_id === s.batch_id && have.name === s.name
      ? { result: 'existing' }
      : {
          result: 'unmapped',
          reason: `fig's scenario ${s.id} is another scenario (${have.name}, run ${have.run_id})`,
        };
  }
  if (!run) return { result: 'unmapped', reason: `its batch ${s.batch_id} is not in fig` };
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
  return { result: 'copied', children: 0 };
}

/** Entities of the bonus family as the shadow names them (legacy-shadow/families/bonus.ts idEntity). */
export type BonusEntity = 'upload' | 'batch' | 'scenario';

/**
 * Reconcile one dual-write drift: make fig hold legacy's record `legacyId` (legacy is the truth
 * while it answers). A record fig lacks is copied (with its dependents' parent checked); the same
 * record is left alone; a different record under that id is not overwritten (the error keeps the
 * issue open for a person: fig's record may already have been read by clients). Returns what was done.
 */
export async function reconcileBonusRecord(
  deps: { db: Db; legacyUrl: string },
  tenantId: string,
  entity: BonusEntity,
  legacyId: string,
): Promise<string> {
  const id = Number(legacyId);
  if (!Number.isSafeInteger(id) || id < 1) throw new Error(`not a legacy ${entity} id: ${legacyId}`);
  const ctx: CopyContext = {
    ...deps,
    tenantId,
    plan: await withTenant(deps.db, tenantId, (trx) =>
      findLatestLockedPlan(trx, tenantId, LEGACY_EQUIVALENT_NAME),
    ),
  };
  const path = {
    upload: `/api/v1/uploads/${id}`,
    batch: `/api/v1/batches/${id}`,
    scenario: `/api/v1/scenarios/${id}`,
  }[entity];
  const res = await fetch(new URL(path, deps.legacyUrl), { signal: AbortSignal.timeout(60_000) });
  if (res.status === 404)
    throw new Error(
      `legacy has no ${entity} ${id}: fig's copy (if any) is fig-only; see the rollback policy (reverse sync)`,
    );
  if (!res.ok) throw new Error(`legacy answered ${res.status} to GET ${path}`);
  const record = await res.json();
  const outcome =
    entity === 'upload'
      ? await copyUpload(ctx, record as LegacyUpload)
      : entity === 'batch'
        ? await copyBatch(ctx, record as LegacyBatch)
        : await copyScenario(ctx, record as LegacyScenario);
  if (outcome.result === 'unmapped') throw new Error(outcome.reason);
  return outcome.result === 'copied'
    ? `copied legacy ${entity} ${id} into fig`
    : `fig already holds legacy's ${entity} ${id}`;
}
