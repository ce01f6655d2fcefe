import { sql } from 'kysely';
import { withTenant, type Trx } from '../../../core/db';
import { listPage, type Page } from '../../../core/pagination';
import type { RunRecord } from '../../tables';
import { RunErrors } from '../errors';
import type { RunProgress } from '../progress';
import type { RunView } from '../schema';
import type { Caller, PipelineDeps } from './context';

interface ChunkTotals {
  rows_done: number;
  chunks_done: number;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A run as the API shows it (progress from its chunk checkpoints). */
export function toRunView(run: RunRecord, c: ChunkTotals): RunView {
  const rowsTotal = run.employee_count;
  const settled = run.status !== 'queued' && run.status !== 'running';
  const rowsDone = settled && run.chunks_total > 0 ? rowsTotal : c.rows_done;
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    planId: run.plan_id,
    planVersion: run.plan_version,
    uploadId: run.upload_id,
    payoutOutput: run.payout_output,
    pool: run.pool_amount,
    progress: {
      rowsDone,
      rowsTotal,
      chunksDone: c.chunks_done,
      chunksTotal: run.chunks_total,
      percent: rowsTotal === 0 ? 0 : Math.floor((rowsDone * 1000) / rowsTotal) / 10,
    },
    totals: {
      employees: rowsTotal,
      succeeded: settled ? rowsTotal - run.failed_count : 0,
      failed: run.failed_count,
      totalPayout: run.total_bonus,
      totalPool: run.total_pool_bonus,
      poolApplied: run.pool_applied,
    },
    snapshotHash: run.snapshot_hash,
    error: run.error,
    createdBy: run.created_by,
    createdAt: run.created_at.toISOString(),
    startedAt: iso(run.started_at),
    completedAt: iso(run.completed_at),
    finalizedAt: iso(run.finalized_at),
    finalizedBy: run.finalized_by,
  };
}

async function chunkTotals(trx: Trx, runIds: number[]): Promise<Map<number, ChunkTotals>> {
  if (runIds.length === 0) return new Map();
  const rows = await trx
    .selectFrom('runs.run_chunks')
    .select((eb) => [
      'run_id',
      sql<string>`coalesce(sum(row_count) filter (where done), 0)`.as('rows_done'),
      eb.fn.count<string>('chunk_no').filterWhere('done', '=', true).as('chunks_done'),
    ])
    .where('run_id', 'in', runIds)
    .groupBy('run_id')
    .execute();
  return new Map(rows.map((r) => [r.run_id, { rows_done: Number(r.rows_done), chunks_done: Number(r.chunks_done) }]));
}

const NONE: ChunkTotals = { rows_done: 0, chunks_done: 0 };

/** A run (404 when not in the caller's tenant) in the caller's transaction. */
export async function getRunIn(trx: Trx, id: number): Promise<RunRecord> {
  const run = await trx.selectFrom('runs.runs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!run) throw RunErrors.runNotFound(id);
  return run;
}

export const getRun = (deps: PipelineDeps, caller: Caller, id: number): Promise<RunView> =>
  withTenant(deps.db, caller.tenantId, async (trx) => {
    const run = await getRunIn(trx, id);
    return toRunView(run, (await chunkTotals(trx, [id])).get(id) ?? NONE);
  });

/** A run's progress as the worker publishes it (the SSE stream's first and fallback message). */
export async function getProgress(deps: PipelineDeps, caller: Caller, id: number): Promise<RunProgress> {
  const v = await getRun(deps, caller, id);
  return { runId: v.id, status: v.status, rowsDone: v.progress.rowsDone, rowsTotal: v.progress.rowsTotal, chunksDone: v.progress.chunksDone, chunksTotal: v.progress.chunksTotal, failed: v.totals.failed };
}

export const listRuns = (deps: PipelineDeps, caller: Caller, query: { limit: number; cursor?: string | undefined }): Promise<Page<RunView>> =>
  withTenant(deps.db, caller.tenantId, async (trx) => {
    let totals = new Map<number, ChunkTotals>();
    return listPage(
      query,
      async (offset, limit) => {
        const [rows, n] = await Promise.all([
          trx.selectFrom('runs.runs').selectAll().where('source', '=', 'fig').orderBy('id', 'desc').limit(limit).offset(offset).execute(),
          trx.selectFrom('runs.runs').select((eb) => eb.fn.countAll<string>().as('n')).where('source', '=', 'fig').executeTakeFirstOrThrow(),
        ]);
        totals = await chunkTotals(trx, rows.map((r) => r.id));
        return { rows, total: Number(n.n) };
      },
      (r) => toRunView(r, totals.get(r.id) ?? NONE),
    );
  });

/** The failed rows of a run with the step and message of each, in row order. */
export const listFailures = (deps: PipelineDeps, caller: Caller, id: number, query: { limit: number; cursor?: string | undefined }) =>
  withTenant(deps.db, caller.tenantId, async (trx) => {
    await getRunIn(trx, id);
    return listPage(
      query,
      async (offset, limit) => {
        const base = trx.selectFrom('runs.run_results').where('run_id', '=', id).where('ok', '=', false);
        const [rows, n] = await Promise.all([
          base.select(['row_no', 'employee_id', 'error']).orderBy('row_no').limit(limit).offset(offset).execute(),
          base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
        ]);
        return { rows, total: Number(n.n) };
      },
      (r) => ({ rowNo: r.row_no, employeeId: r.employee_id, step: r.error?.step ?? null, message: r.error?.message ?? 'unknown error' }),
    );
  });
