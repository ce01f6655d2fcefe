import { withTenant, type Trx } from '../../core/db';
import { notFound } from '../../core/errors';
import type { PlanDefinitionInput } from '../../engine/index';
import type { ParityChunkSpec, RunnerOptions } from '../outcome';
import * as repo from '../repo';
import type { ParityReport, ReportSource } from '../schema';
import { toReport, type ParityDeps } from './context';

/** A failure no retry can mend: legacy refused the request (an unknown batch, a bad row). */
const isPermanent = (err: unknown) => {
  const status = (err as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500;
};

/**
 * Run a stored report to completion, one committed chunk at a time (ADR 0033): plan its chunks
 * once (kept with the report), compute each chunk not yet written and write its summary and
 * mismatches in one transaction guarded by the chunk's `done`, then the report's totals and
 * Gate A from the chunks' summaries. Run again after a crash (the `parity.run` job, resumed by
 * BullMQ's stall check) it picks up at the first chunk not written: each chunk is written once,
 * and the report is the same. A finished report is returned as it is.
 *
 * A failure marks the report failed, unless `finalTry` is false and the failure may pass (legacy or
 * the database unreachable): then it is thrown for the job to try again.
 */
export async function executeReport(
  deps: ParityDeps,
  tenantId: string,
  reportId: string,
  source: ReportSource,
  opts: { plan?: PlanDefinitionInput; planName?: string; signal?: AbortSignal; finalTry?: boolean } = {},
): Promise<ParityReport> {
  const runnerOpts: RunnerOptions = {
    legacyUrl: deps.config.LEGACY_URL,
    legacyPython: deps.config.LEGACY_PYTHON,
    plan: opts.plan,
    planName: opts.planName,
    chunkSize: deps.config.PARITY_CHUNK_ROWS,
    signal: opts.signal,
  };
  const inTenant = <T>(fn: (trx: Trx) => Promise<T>) => withTenant(deps.db, tenantId, fn);
  try {
    const report = await inTenant((trx) => repo.findReport(trx, reportId));
    if (!report) throw notFound('Parity report', reportId);
    if (report.status !== 'running') return toReport(report);
    let chunks = await inTenant((trx) => repo.listChunks(trx, reportId));
    if (chunks.length === 0) {
      const specs = await deps.runner.planChunks(source, runnerOpts);
      chunks = await inTenant(async (trx) => {
        await repo.planChunks(trx, tenantId, reportId, specs);
        return repo.listChunks(trx, reportId);
      });
    }
    const session = deps.runner.session(source, runnerOpts);
    for (const chunk of chunks) {
      if (chunk.done) continue;
      if (opts.signal?.aborted) throw new Error('the worker is shutting down; the report resumes from its last chunk');
      await inTenant((trx) => repo.startChunk(trx, reportId, chunk.chunk_no));
      const out = await session.compute(chunk.spec as ParityChunkSpec);
      const written = await inTenant((trx) =>
        repo.writeChunk(trx, tenantId, reportId, chunk.chunk_no, out.summary, out.mismatches),
      );
      if (!written) deps.log.warn({ reportId, chunk: chunk.chunk_no }, 'parity chunk already written by another try; kept the first');
    }
    const row = await inTenant(async (trx) => {
      const all = await repo.listChunks(trx, reportId);
      const left = all.filter((c) => !c.done).length;
      if (left > 0) throw new Error(`${left} chunks of parity report ${reportId} are not written`);
      const outcome = deps.runner.summarize(all.map((c) => c.summary), runnerOpts);
      const durationMs = Date.now() - report.created_at.getTime();
      return (await repo.finishReport(trx, reportId, { ...outcome, durationMs })) ?? (await repo.findReport(trx, reportId));
    });
    if (!row) throw notFound('Parity report', reportId);
    deps.log.info(
      { reportId, employees: row.employees, mismatched: row.mismatched, chunks: chunks.length, gateA: (row.gate_a as { passed?: boolean } | null)?.passed, ms: row.duration_ms },
      'parity report done',
    );
    return toReport(row);
  } catch (err) {
    if (opts.signal?.aborted || (opts.finalTry === false && !isPermanent(err))) throw err;
    deps.log.warn({ reportId, err }, 'parity report failed');
    await withTenant(deps.db, tenantId, (trx) => repo.markFailed(trx, reportId, (err as Error).message));
    const row = await withTenant(deps.db, tenantId, (trx) => repo.findReport(trx, reportId));
    if (!row) throw err;
    return toReport(row);
  }
}
