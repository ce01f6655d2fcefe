import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FastifyBaseLogger } from 'fastify';
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

interface Job {
  task: EvaluationTask;
  resolve: (o: EvaluationOutcome) => void;
  reject: (e: Error) => void;
}
interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | null;
  timer: NodeJS.Timeout | undefined;
}
type Reply = { ready: true } | { ok: true; outcome: EvaluationOutcome } | { ok: false; message: string };

// The worker is TypeScript like the rest of the code: a tiny ESM bootstrap loads it through tsx,
// which is how every fig process runs (npm run gateway / worker).
const WORKER_FILE = new URL('./evaluation-worker.ts', import.meta.url).href;
const TSX_API = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
const BOOTSTRAP = new URL(
  `data:text/javascript,${encodeURIComponent(`import { tsImport } from ${JSON.stringify(TSX_API)}; await tsImport(${JSON.stringify(WORKER_FILE)}, ${JSON.stringify(WORKER_FILE)});`)}`,
);
/** Heap of one evaluation worker: a plan that builds huge values dies alone, not the gateway. */
const WORKER_HEAP_MB = 512;

/** A small reused pool of evaluation worker threads, each evaluation with a deadline. */
export function createEvaluationPool(opts: EvaluationPoolOptions): PlanEvaluator {
  const slots = new Set<Slot>();
  const queue: Job[] = [];
  let closed = false;

  const retire = (slot: Slot) => {
    clearTimeout(slot.timer);
    slots.delete(slot);
    void slot.worker.terminate();
  };
  const finish = (slot: Slot, settle: (job: Job) => void) => {
    const job = slot.job;
    clearTimeout(slot.timer);
    slot.job = null;
    if (job) settle(job);
  };

  const spawn = () => {
    const worker = new Worker(BOOTSTRAP, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    const slot: Slot = { worker, ready: false, job: null, timer: undefined };
    slots.add(slot);
    worker.on('message', (reply: Reply) => {
      if ('ready' in reply) slot.ready = true;
      else if (reply.ok) finish(slot, (job) => job.resolve(reply.outcome));
      else finish(slot, (job) => job.reject(new Error(`plan evaluation failed: ${reply.message}`)));
      pump();
    });
    worker.on('error', (err: Error & { code?: string }) => {
      opts.log.warn({ err }, 'evaluation worker failed');
      finish(slot, (job) => job.reject(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? PlanErrors.evaluationTooLarge() : err));
      retire(slot);
      pump();
    });
    worker.on('exit', () => {
      finish(slot, (job) => job.reject(new Error('evaluation worker exited')));
      slots.delete(slot);
      pump();
    });
  };

  const pump = () => {
    if (closed) return;
    while (queue.length > 0) {
      const idle = [...slots].find((s) => s.ready && s.job === null);
      if (idle === undefined) {
        if (slots.size < opts.size) spawn();
        return;
      }
      const job = queue.shift() as Job;
      idle.job = job;
      idle.timer = setTimeout(() => {
        opts.log.warn({ timeoutMs: opts.timeoutMs, planId: job.task.bundle.plan.id }, 'plan evaluation passed its deadline; worker terminated');
        finish(idle, (j) => j.reject(PlanErrors.evaluationTimeout(opts.timeoutMs)));
        retire(idle);
        pump();
      }, opts.timeoutMs);
      idle.worker.postMessage(job.task);
    }
  };

  return {
    evaluate(task) {
      if (closed) return Promise.reject(new Error('the evaluation pool is closed'));
      if (queue.length >= opts.maxQueue) return Promise.reject(PlanErrors.evaluationBusy());
      return new Promise((resolve, reject) => {
        queue.push({ task, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error('the evaluation pool is closed'));
      await Promise.all(
        [...slots].map(async (s) => {
          finish(s, (job) => job.reject(new Error('the evaluation pool is closed')));
          s.worker.removeAllListeners();
          await s.worker.terminate();
        }),
      );
      slots.clear();
    },
  };
}
