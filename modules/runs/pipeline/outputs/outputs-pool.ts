import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../../../core/errors';
import { createWorkerPool, type WorkerPool } from '../../../core/worker-pool';
import type { OutputFile, OutputTask } from './types';

export const RunsOutputErrors = {
  timeout: (ms: number) => new AppError('RUNS_EXPORT_TIMEOUT', 503, `the file was not built within ${ms} ms`),
  busy: () => new AppError('RUNS_EXPORT_BUSY', 503, 'too many files are being built; try again shortly'),
  outOfMemory: () =>
    new AppError('RUNS_EXPORT_TOO_LARGE', 413, 'the file needs more memory than a worker has'),
};

export type OutputsPool = WorkerPool<OutputTask, OutputFile>;

/** The pool that builds statements and exports off the gateway's event loop, each with RUNS_EXPORT_TIMEOUT_MS. */
export function createOutputsPool(opts: {
  size: number;
  timeoutMs: number;
  maxQueue: number;
  log: FastifyBaseLogger;
}): OutputsPool {
  return createWorkerPool<OutputTask, OutputFile>({
    ...opts,
    workerFile: new URL('./outputs-worker.ts', import.meta.url),
    errors: RunsOutputErrors,
    describe: (task) => ({ kind: task.kind, runId: task.run.id }),
  });
}
