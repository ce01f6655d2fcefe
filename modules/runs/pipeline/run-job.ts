import type { RowMapping } from '../../core/cell-number';
import { withTenant } from '../../core/db';
import type { JobContext, JobDefinition } from '../../core/jobs';
import { findPlanVersion, type PlanVersionForRun } from '../../plans/index';
import type { RunChunkRecord, RunRecord } from '../tables';
import type { ChunkOutcome } from './compute-chunk';
import { finishRun } from './finish-run';
import { publishProgress } from './progress';
import { RUN_JOB, RunJobPayload } from './queue';
import * as repo from './repo';
import { retryFailedRows } from './retry-rows';
import type { RunJobScope } from './scope';
import { lockRun, transitionRun } from './states';
import { sweepQueuedRuns } from './sweep-queued';
import { closePipelineThreads, pipelineThreads, warmPipelineThreads } from './thread-pool';

const WORKER = { actor: 'worker' };

/** Take a queued run (plan its chunks, mark it running) or a running one (a resumed job); undefined: nothing to do. */
async function claimRun(
  ctx: JobContext,
  p: RunJobPayload,
): Promise<{ run: RunRecord; plan: PlanVersionForRun; mapping: RowMapping | null } | undefined> {
  return withTenant(ctx.db, p.tenantId, async (trx) => {
    let run = await lockRun(trx, p.runId);
    if (!run || (run.status !== 'queued' && run.status !== 'running') || run.plan_id === null)
      return undefined;
    const plan = await findPlanVersion(trx, p.tenantId, run.plan_id);
    if (!plan) throw new Error(`plan ${run.plan_id} of run ${run.id} is gone`);
    if (run.status === 'queued') {
      if (!p.retry) {
        const planned = await repo.planChunks(trx, run, run.chunk_rows ?? ctx.config.RUNS_CHUNK_ROWS);
        await trx
          .updateTable('runs.runs')
          .set({ chunks_total: planned.chunks, employee_count: planned.rows })
          .where('id', '=', run.id)
          .execute();
      }
      run = await transitionRun(trx, run, 'running', WORKER, { started_at: new Date(), error: null });
    }
    return { run, plan, mapping: await repo.uploadRowMapping(trx, run.upload_id) };
  });
}

/** Compute every chunk not yet done, `threads + 1` at a time (one reading or writing while the others compute). */
async function computeChunks(scope: RunJobScope): Promise<void> {
  const { ctx, run, plan, pool, mapping } = scope;
  const chunks = await withTenant(ctx.db, run.tenant_id, (trx) => repo.listChunks(trx, run.id));
  const pending = chunks.filter((c) => !c.done);
  const progress = {
    runId: run.id,
    status: 'running' as const,
    rowsTotal: chunks.reduce((n, c) => n + c.row_count, 0),
    rowsDone: chunks.reduce((n, c) => n + (c.done ? c.row_count : 0), 0),
    chunksTotal: chunks.length,
    chunksDone: chunks.length - pending.length,
    failed: chunks.reduce((n, c) => n + c.failed_count, 0),
  };
  await publishProgress(ctx.redis, ctx.config.REDIS_PREFIX, run.tenant_id, progress);
  let next = 0;
  const lane = async () => {
    while (next < pending.length) {
      if (ctx.signal.aborted)
        throw new Error('the worker is shutting down; the run resumes from its last chunk');
      const chunk = pending[next++] as RunChunkRecord;
      const rows = await withTenant(ctx.db, run.tenant_id, (trx) =>
        repo.readRows(trx, run.upload_id, chunk.row_from, chunk.row_to, mapping !== null),
      );
      const out = (await pool.run({
        kind: 'chunk',
        runId: run.id,
        tenantId: run.tenant_id,
        key: `${run.id}:${plan.id}`,
        plan: plan.definition,
        payoutOutput: run.payout_output ?? 'bonus',
        mapping,
        rows,
      })) as ChunkOutcome;
      await withTenant(ctx.db, run.tenant_id, (trx) => repo.writeChunk(trx, run, chunk, out));
      ctx.log.debug({ runId: run.id, chunk: chunk.chunk_no, failed: out.failedCount }, 'chunk stored');
      progress.rowsDone += chunk.row_count;
      progress.chunksDone += 1;
      progress.failed += out.failedCount;
      await publishProgress(ctx.redis, ctx.config.REDIS_PREFIX, run.tenant_id, progress);
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: scope.threads + 1 }, lane));
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
}

/** Mark a run failed with the reason its job gave up (last try, or a run that cannot be computed). */
async function giveUp(ctx: JobContext, p: RunJobPayload, err: Error): Promise<void> {
  await withTenant(ctx.db, p.tenantId, async (trx) => {
    const run = await lockRun(trx, p.runId);
    if (run && (run.status === 'running' || run.status === 'queued'))
      await transitionRun(trx, run, 'failed', WORKER, { error: err.message.slice(0, 2000) });
  });
}

/** Process one pipeline job: compute (or re-run failed rows), then totals, pool and snapshot hash. */
export async function processRunJob(
  p: RunJobPayload,
  ctx: JobContext,
): Promise<{ runId: number; skipped: boolean }> {
  let claimed: Awaited<ReturnType<typeof claimRun>>;
  try {
    claimed = await claimRun(ctx, p);
  } catch (err) {
    await giveUp(ctx, p, err as Error);
    throw err;
  }
  if (!claimed) return { runId: p.runId, skipped: true };
  const { pool, threads } = pipelineThreads(ctx);
  const scope: RunJobScope = { ctx, ...claimed, pool, threads };
  ctx.log.info({ runId: p.runId, retry: p.retry, threads }, 'run claimed');
  try {
    if (p.retry) await retryFailedRows(scope);
    else await computeChunks(scope);
    await finishRun(scope);
    return { runId: p.runId, skipped: false };
  } catch (err) {
    const lastTry = (ctx.attempt?.made ?? 0) + 1 >= (ctx.attempt?.max ?? 1);
    if (lastTry && !ctx.signal.aborted) await giveUp(ctx, p, err as Error);
    throw err;
  }
}

let sweepTimer: NodeJS.Timeout | undefined;
/** How often the worker sweeps again, and how long a run must have been queued to be swept then. */
const SWEEP_EVERY_MS = 60_000;

/** Worker start: sweep the queued runs (all of them), warm the threads, then sweep every minute. */
async function openPipeline(ctx: JobContext): Promise<void> {
  const sweep = (olderThanMs: number) =>
    sweepQueuedRuns(ctx, olderThanMs).catch((err: Error) =>
      ctx.log.warn({ err: err.message }, 'queued-runs sweep failed'),
    );
  await sweep(0);
  sweepTimer = setInterval(() => void sweep(SWEEP_EVERY_MS), SWEEP_EVERY_MS);
  sweepTimer.unref();
  await warmPipelineThreads(ctx);
}

async function closePipeline(): Promise<void> {
  clearInterval(sweepTimer);
  await closePipelineThreads();
}

/**
 * The runs pipeline job. One job uses every core (its worker threads), so one per worker process;
 * a short lock makes a killed worker's job available again within seconds (ADR 0017).
 */
export const runPipelineJob: JobDefinition<typeof RunJobPayload> = {
  ...RUN_JOB,
  payload: RunJobPayload,
  concurrency: 1,
  lock: { durationMs: 10_000, stalledIntervalMs: 5_000, maxStalledCount: 10 },
  // The threads live as long as the worker process and start with it (ADR 0025).
  // The sweep re-enqueues runs left queued while Redis was down, at start and then every minute.
  lifecycle: { open: openPipeline, close: closePipeline },
  handler: processRunJob,
};
