import type { FastifyBaseLogger } from 'fastify';
import { createWorkerPool } from '../core/worker-pool';
import { PlanErrors } from './errors';
import type { EvaluationOutcome, EvaluationTask, PlanEvaluator } from './service/evaluation-types';

export interface EvaluationPoolOptions {
  /** Worker threads kept (started on first use, reused). */
  size: number;
  /** Deadline of one evaluation from the moment a worker takes it; past it the worker is terminated. */
  timeoutMs: number;
  /** Evaluations allowed to wait for a worker; more are refused with 503. */
  maxQueue: number;
  log: FastifyBaseLogger;
}

/** A small reused pool of evaluation worker threads, each evaluation with a deadline. */
export function createEvaluationPool(opts: EvaluationPoolOptions): PlanEvaluator {
  const pool = createWorkerPool<EvaluationTask, EvaluationOutcome>({
    ...opts,
    workerFile: new URL('./evaluation-worker.ts', import.meta.url),
    errors: { timeout: PlanErrors.evaluationTimeout, busy: PlanErrors.evaluationBusy, outOfMemory: PlanErrors.evaluationTooLarge },
    describe: (task) => ({ planId: task.bundle.plan.id }),
  });
  return { evaluate: (task) => pool.run(task), close: () => pool.close() };
}
