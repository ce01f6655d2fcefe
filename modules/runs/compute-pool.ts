import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../core/db';
import { sumDecimals } from '../core/decimal';
import { AppError } from '../core/errors';
import { createWorkerPool, type WorkerPool } from '../core/worker-pool';
import { computeRun, type ComputeOutcome, type ComputeTask } from './compute';
import { computeChunk, type ChunkOutcome, type ChunkTask } from './compute-chunk';

/** Below this many rows a run is computed inline: a worker round trip would cost more than it saves. */
export const INLINE_ROWS = 2_000;

export type Computer = (task: ComputeTask) => Promise<ComputeOutcome>;

/** Computes the chunks of a stored run: `parallel` chunks can usefully be in flight at once. */
export interface ChunkComputer {
  run: (task: ChunkTask) => Promise<ChunkOutcome>;
  parallel: number;
}

type Task = ComputeTask | ChunkTask;
type Outcome = ComputeOutcome | ChunkOutcome;

// One pool per gateway instance, keyed by its database handle (the serves contract hands modules
// the app's clients, not module singletons); runsModule's plugin creates it and closes it with the app.
// Beside it, a one-thread pool at the lowest OS priority for shadow work (ModuleContext.background,
// ADR 0031): a shadowed calculation never occupies a worker a primary (a route in new/canary) waits
// for, and gets only CPU time that legacy, the gateway and Postgres leave. Started on first use.
const pools = new WeakMap<Db, { pool: WorkerPool<Task, Outcome>; size: number; background: WorkerPool<Task, Outcome> }>();

/** The OS priority of the background (shadow) compute thread: the lowest. */
export const BACKGROUND_NICE = 19;

export const RunsComputeErrors = {
  timeout: (ms: number) => new AppError('RUNS_COMPUTE_TIMEOUT', 503, `the calculation did not finish within ${ms} ms`),
  busy: () => new AppError('RUNS_COMPUTE_BUSY', 503, 'too many calculations are waiting; try again shortly'),
  outOfMemory: () => new AppError('RUNS_COMPUTE_TOO_LARGE', 413, 'the calculation needs more memory than a worker has'),
};

/** Start the compute pool of an app (its db handle); returns a closer. */
export function startComputePool(db: Db, opts: { size: number; timeoutMs: number; maxQueue: number; log: FastifyBaseLogger }): () => Promise<void> {
  const common = {
    ...opts,
    workerFile: new URL('./compute-worker.ts', import.meta.url),
    // ADR 0024: workers start in ~2 s instead of ~5 s, and all of them on the first heavy call.
    loader: 'cjs' as const,
    errors: RunsComputeErrors,
    describe: (task: Task) => ('kind' in task ? { runId: task.runId, bytes: task.rows.length } : { rows: task.rows.length }),
  };
  const pool = createWorkerPool<Task, Outcome>({ ...common, fillOnFirstUse: true });
  const background = createWorkerPool<Task, Outcome>({ ...common, size: 1, nice: BACKGROUND_NICE });
  pools.set(db, { pool, size: opts.size, background });
  return async () => {
    pools.delete(db);
    await Promise.all([pool.close(), background.close()]);
  };
}

/**
 * Compute a run off the event loop: in the app's worker pool (with its deadline) when the run is
 * large and a pool exists, inline otherwise (small runs; CLIs and tests without a gateway).
 * `background` (a shadow call): large runs go to the one low-priority thread instead.
 */
export function computerFor(db: Db, opts: { background?: boolean } = {}): Computer {
  return async (task) => {
    const entry = pools.get(db);
    if (!entry || task.rows.length <= INLINE_ROWS) return computeRun(task);
    // Shadow work: the whole task on the low-priority thread, never split over the primaries' workers.
    if (opts.background) return entry.background.run(task) as Promise<ComputeOutcome>;
    // Without a pool every row is independent: the rows are split over the workers and computed
    // side by side (ADR 0024). A pool needs every payout: one task.
    const parts = task.poolAmount === null ? Math.min(entry.size, Math.floor(task.rows.length / INLINE_ROWS)) : 1;
    if (parts <= 1) return entry.pool.run(task) as Promise<ComputeOutcome>;
    const size = Math.ceil(task.rows.length / parts);
    const outcomes = (await Promise.all(
      Array.from({ length: parts }, (_, i) => entry.pool.run({ ...task, rows: task.rows.slice(i * size, (i + 1) * size) })),
    )) as ComputeOutcome[];
    return mergeOutcomes(outcomes);
  };
}

/** The outcome of a pool-less computation split in parts, in part order. */
export function mergeOutcomes(parts: readonly ComputeOutcome[]): ComputeOutcome {
  return {
    rows: parts.flatMap((p) => p.rows),
    totalBonus: sumDecimals(parts.map((p) => p.totalBonus)),
    totalPoolBonus: null,
    poolApplied: false,
    failed: parts.reduce((n, p) => n + p.failed, 0),
  };
}

/**
 * Compute a stored run's chunks: in the app's worker pool (one chunk per worker, plus one
 * waiting so no worker idles) when the run has more than INLINE_ROWS rows and a pool exists,
 * inline otherwise.
 */
export function chunkComputerFor(db: Db, rows: number): ChunkComputer {
  const entry = pools.get(db);
  if (entry && rows > INLINE_ROWS) return { run: (task) => entry.pool.run(task) as Promise<ChunkOutcome>, parallel: entry.size + 1 };
  return { run: async (task) => computeChunk(task), parallel: 1 };
}
