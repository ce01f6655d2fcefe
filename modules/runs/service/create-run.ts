import { withTenant } from '../../core/db';
import { findCurrentBandTable } from '../../bands/index';
import * as repo from '../repo';
import type { BandRow, RecordSource, RunRecord } from '../tables';
import { legacyPlan, now, type RunsDeps } from './context';

export interface CreateRunInput {
  uploadId: number;
  /** Canonical decimal; null for no pool. */
  poolAmount: string | null;
  name: string | null;
  /** The run's own band table (a scenario); null: the current table, whose version is recorded. */
  bands: BandRow[] | null;
  source: RecordSource;
  /** Backfill: legacy's id and time. */
  id?: number;
  createdAt?: Date;
  createdBy?: string;
}

/** The upload a run was asked for does not exist (in this tenant). */
export class UploadNotFound extends Error {
  constructor(readonly uploadId: number) {
    super(`upload ${uploadId} was not found`);
  }
}

/**
 * Run the current legacy-equivalent plan version over an upload and store the run with one result
 * per employee. Reads (upload rows, plan, band table) in one transaction, computes off the event
 * loop, writes the run and its results in another, so no transaction stays open while computing.
 */
export async function createRun(deps: RunsDeps, tenantId: string, input: CreateRunInput): Promise<RunRecord> {
  const loaded = await withTenant(deps.db, tenantId, async (trx) => {
    const upload = await repo.findUpload(trx, input.uploadId);
    if (!upload) return undefined;
    const plan = await legacyPlan(deps, tenantId, trx);
    const rows = await repo.listUploadRows(trx, upload.id);
    const table = input.bands === null ? await findCurrentBandTable(trx) : undefined;
    return { upload, plan, rows, table };
  });
  if (!loaded) throw new UploadNotFound(input.uploadId);
  const { plan } = loaded;
  const bands = input.bands ?? loaded.table?.bands;
  if (!bands) throw new Error('there is no revenue band table');
  const outcome = await deps.compute({
    plan: plan.definition,
    bands,
    rows: loaded.rows.map((r) => ({ ...r.inputs, employee_id: r.employee_id })),
    poolAmount: input.poolAmount,
  });
  const createdAt = input.createdAt ?? now(deps);
  return withTenant(deps.db, tenantId, async (trx) => {
    const run = await repo.insertRun(trx, {
      ...(input.id !== undefined ? { id: input.id } : {}),
      tenant_id: tenantId,
      upload_id: loaded.upload.id,
      plan_id: plan.id,
      plan_version: plan.version,
      band_version: input.bands === null ? (loaded.table?.version ?? null) : null,
      bands: JSON.stringify(bands),
      name: input.name,
      pool_amount: input.poolAmount,
      pool_applied: outcome.poolApplied,
      status: outcome.failed > 0 ? 'failed' : 'completed',
      employee_count: loaded.rows.length,
      failed_count: outcome.failed,
      total_bonus: outcome.totalBonus,
      total_pool_bonus: outcome.totalPoolBonus,
      source: input.source,
      created_by: input.createdBy ?? 'system',
      created_at: createdAt,
      completed_at: createdAt,
    });
    await repo.insertRunResults(
      trx,
      outcome.rows.map((r, i) => ({
        run_id: run.id,
        tenant_id: tenantId,
        row_no: loaded.rows[i]!.row_no,
        employee_id: loaded.rows[i]!.employee_id,
        ok: r.ok,
        outputs: JSON.stringify(r.outputs),
        error: r.error ? JSON.stringify(r.error) : null,
      })),
    );
    return run;
  });
}
