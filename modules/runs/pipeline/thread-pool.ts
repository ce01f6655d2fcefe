import { availableParallelism } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import type { JobContext } from '../../core/jobs';
import { createWorkerPool, type WorkerPool } from '../../core/worker-pool';
import { RunsComputeErrors } from '../compute-pool';
import type { PipelineOutcome, PipelineTask } from './compute-chunk';

/** How long a warm-up waits for every thread to be up (a slow machine starts tsx threads slowly). */
const WARM_TIMEOUT_MS = 60_000;

export interface PipelineThreads {
  pool: WorkerPool<PipelineTask, PipelineOutcome>;
  threads: number;
}

let shared: PipelineThreads | undefined;

/**
 * The worker process's pipeline threads (ADR 0025): one pool per process, kept between jobs, so a
 * run never pays for starting threads (each loads the engine through tsx: seconds on a busy
 * machine). Created on first use with RUNS_PIPELINE_THREADS (0: one per core).
 */
export function pipelineThreads(ctx: Pick<JobContext, 'config' | 'log'>): PipelineThreads {
  if (shared) return shared;
  const threads = ctx.config.RUNS_PIPELINE_THREADS || availableParallelism();
  const pool = createWorkerPool<PipelineTask, PipelineOutcome>({
    workerFile: new URL('./pipeline-worker.ts', import.meta.url),
    size: threads,
    timeoutMs: ctx.config.RUNS_COMPUTE_TIMEOUT_MS,
    maxQueue: threads * 4,
    log: ctx.log as unknown as FastifyBaseLogger,
    errors: RunsComputeErrors,
  });
  shared = { pool, threads };
  return shared;
}

/**
 * Start every pipeline thread now (the worker calls this at start, not on the first run). Each
 * warm-up task holds its thread until all have checked in on a shared counter, so the pool must
 * start one thread per task instead of handing them all to the first one up.
 */
export async function warmPipelineThreads(ctx: Pick<JobContext, 'config' | 'log'>): Promise<void> {
  const { pool, threads } = pipelineThreads(ctx);
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const started = Date.now();
  await Promise.all(
    Array.from({ length: threads }, () =>
      pool.run({ kind: 'warm', counter, threads, timeoutMs: WARM_TIMEOUT_MS }),
    ),
  );
  ctx.log.info({ threads, ms: Date.now() - started }, 'pipeline threads warm');
}

/** Stop the pipeline threads (worker shutdown). */
export async function closePipelineThreads(): Promise<void> {
  const s = shared;
  shared = undefined;
  await s?.pool.close();
}
