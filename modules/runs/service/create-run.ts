import { withTenant } from '../../core/db';
import { findCurrentBandTable } from '../../bands/index';
import * as repo from '../repo';
import type { BandRow, RecordSource, RunRecord } from '../tables';
import { chunkComputerFor, INLINE_ROWS } from '../compute-pool';
import { computeResults, type ResultsInput } from './compute-results';
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
 * per employee, in one transaction: the run row first (status `running`, invisible until commit),
 * then its results computed and written chunk by chunk (computeResults, ADR 0022), then its
 * totals. A failure anywhere rolls the whole run back.
 */
export async function createRun(deps: RunsDeps, tenantId: string, input: CreateRunInput): Promise<RunRecord> {
  return withTenant(deps.db, tenantId, async (trx) => {
    const upload = await repo.findUpload(trx, input.uploadId);
    if (!upload) throw new UploadNotFound(input.uploadId);
    const plan = await legacyPlan(deps, tenantId, trx);
    const table = input.bands === null ? await findCurrentBandTable(trx) : undefined;
    const bands = input.bands ?? table?.bands;
    if (!bands) throw new Error('there is no revenue band table');
    const createdAt = input.createdAt ?? now(deps);
    const run = await repo.insertRun(trx, {
      ...(input.id !== undefined ? { id: input.id } : {}),
      tenant_id: tenantId,
      upload_id: upload.id,
      plan_id: plan.id,
      plan_version: plan.version,
      band_version: input.bands === null ? (table?.version ?? null) : null,
      bands: JSON.stringify(bands),
      name: input.name,
      pool_amount: input.poolAmount,
      status: 'running',
      total_bonus: null,
      total_pool_bonus: null,
      source: input.source,
      created_by: input.createdBy ?? 'system',
      created_at: createdAt,
    });
    const computer = deps.computeChunks?.(upload.row_count) ?? chunkComputerFor(deps.db, upload.row_count);
    const summary = await withReader(deps, tenantId, upload, (readRows) =>
      computeResults(trx, computer, { runId: run.id, tenantId, uploadId: upload.id, plan: plan.definition, bands, poolAmount: input.poolAmount, readRows }),
    );
    return repo.finishRun(trx, run.id, {
      status: summary.failed > 0 ? 'failed' : 'completed',
      employee_count: summary.employeeCount,
      failed_count: summary.failed,
      total_bonus: summary.totalBonus,
      total_pool_bonus: summary.totalPoolBonus,
      pool_applied: summary.poolApplied,
      completed_at: createdAt,
    });
  });
}

// Runs reading on a connection of their own, in this process. A run holds its transaction's
// connection while it waits for a reader's: capped well below the pool size, most runs read on
// their own transaction when many are running, so the pool can never be held entirely by runs
// waiting for a second connection.
const MAX_SEPARATE_READERS = 2;
let separateReaders = 0;

/**
 * Upload rows never change once stored, so a large run reads each chunk in a short transaction
 * of its own (reads overlap the COPYs on the run's transaction); small runs, and runs past the
 * cap, read on the run's transaction (readRows undefined).
 */
async function withReader<T>(deps: RunsDeps, tenantId: string, upload: { id: number; row_count: number }, fn: (readRows: ResultsInput['readRows']) => Promise<T>): Promise<T> {
  if (upload.row_count <= INLINE_ROWS || separateReaders >= MAX_SEPARATE_READERS) return fn(undefined);
  separateReaders++;
  try {
    return await fn((from, to, names) => withTenant(deps.db, tenantId, (reader) => repo.copyUploadRowRange(reader, upload.id, from, to, names)));
  } finally {
    separateReaders--;
  }
}
