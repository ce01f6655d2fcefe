import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FastifyBaseLogger } from 'fastify';

export interface WorkerPoolOptions<T> {
  /** The worker's TypeScript entry (it posts `{ready: true}`, then answers each task with `{ok, outcome}` or `{ok: false, message}`). */
  workerFile: URL;
  /** Worker threads kept (started on first use, reused). */
  size: number;
  /** Deadline of one evaluation from the moment a worker takes it; past it the worker is terminated. */
  timeoutMs: number;
  /** Evaluations allowed to wait for a worker; more are refused with 503. */
  maxQueue: number;
  log: FastifyBaseLogger;
  /** The errors the pool rejects with: past the deadline, queue full, worker out of memory. */
  errors: { timeout: (ms: number) => Error; busy: () => Error; outOfMemory: () => Error };
  /** What to log about a task that passed its deadline. */
  describe?: (task: T) => Record<string, unknown>;
  /**
   * How the worker loads its TypeScript: 'esm' (default) through tsx's ESM loader, or 'cjs' through
   * tsx's in-thread CommonJS hook, about 2.5× faster to start (no loader-hooks thread round trip per
   * module) for workers whose module graph has no top-level await (ADR 0024).
   */
  loader?: 'esm' | 'cjs';
  /** Start every worker when the first task arrives (not one by one as tasks queue), so later tasks find warm workers. */
  fillOnFirstUse?: boolean;
  /**
   * OS priority (nice, -20..19) of each worker thread, set by the thread itself on start (Linux
   * renices per thread id; elsewhere, or when not permitted, it is left as it is). 19: the thread
   * runs only on CPU time nothing else wants (shadow work, ADR 0031). Unset: the process's own.
   */
  nice?: number;
}

/** Runs tasks off the caller's event loop, each with a deadline. */
export interface WorkerPool<T, R> {
  run(task: T): Promise<R>;
  close(): Promise<void>;
}

interface Job<T, R> {
  task: T;
  resolve: (o: R) => void;
  reject: (e: Error) => void;
}
interface Slot<T, R> {
  worker: Worker;
  ready: boolean;
  job: Job<T, R> | null;
  timer: NodeJS.Timeout | undefined;
}
type Reply<R> = { ready: true } | { ok: true; outcome: R } | { ok: false; message: string };

// The worker is TypeScript like the rest of the code: a tiny ESM bootstrap loads it through tsx,
// which is how every fig process runs (npm run gateway / worker).
const TSX_API = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
// A worker given a nice value lowers its own thread's priority first (Linux: /proc/thread-self is
// "<pid>/task/<tid>", and setpriority acts on that one thread), so even loading its modules is background work.
const reniceCode = (nice: number | undefined, fs: string, os: string) =>
  nice === undefined ? '' : `try { ${os}.setPriority(Number(${fs}.readlinkSync('/proc/thread-self').split('/').pop()), ${Math.trunc(nice)}); } catch {}`;
const bootstrap = (workerFile: URL, nice?: number) =>
  new URL(
    `data:text/javascript,${encodeURIComponent(
      `${nice === undefined ? '' : `import fs from 'node:fs'; import os from 'node:os'; ${reniceCode(nice, 'fs', 'os')} `}import { tsImport } from ${JSON.stringify(TSX_API)}; await tsImport(${JSON.stringify(workerFile.href)}, ${JSON.stringify(workerFile.href)});`,
    )}`,
  );
const TSX_CJS_API = createRequire(import.meta.url).resolve('tsx/cjs/api');
const cjsBootstrap = (workerFile: URL, nice?: number) =>
  `${reniceCode(nice, "require('node:fs')", "require('node:os')")} const { register } = require(${JSON.stringify(TSX_CJS_API)}); register(); require(${JSON.stringify(fileURLToPath(workerFile))});`;
/** Heap of one worker: a task that builds huge values dies alone, not the gateway. */
const WORKER_HEAP_MB = 512;

/**
 * A small reused pool of worker threads (started on first use), each task with a deadline: past
 * it the worker is terminated and the task rejected. Shared by plan evaluation and runs compute.
 */
export function createWorkerPool<T, R>(opts: WorkerPoolOptions<T>): WorkerPool<T, R> {
  type S = Slot<T, R>;
  type J = Job<T, R>;
  const slots = new Set<S>();
  const queue: J[] = [];
  const cjs = opts.loader === 'cjs';
  const entry = cjs ? cjsBootstrap(opts.workerFile, opts.nice) : bootstrap(opts.workerFile, opts.nice);
  let closed = false;
  let used = false;

  const retire = (slot: S) => {
    clearTimeout(slot.timer);
    slots.delete(slot);
    void slot.worker.terminate();
  };
  const finish = (slot: S, settle: (job: J) => void) => {
    const job = slot.job;
    clearTimeout(slot.timer);
    slot.job = null;
    if (job) settle(job);
  };

  const spawn = () => {
    const worker = new Worker(entry, { eval: cjs, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    const slot: S = { worker, ready: false, job: null, timer: undefined };
    slots.add(slot);
    worker.on('message', (reply: Reply<R>) => {
      if ('ready' in reply) slot.ready = true;
      else if (reply.ok) finish(slot, (job) => job.resolve(reply.outcome));
      else finish(slot, (job) => job.reject(new Error(`worker task failed: ${reply.message}`)));
      pump();
    });
    worker.on('error', (err: Error & { code?: string }) => {
      opts.log.warn({ err }, 'pool worker failed');
      finish(slot, (job) => job.reject(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? opts.errors.outOfMemory() : err));
      retire(slot);
      pump();
    });
    worker.on('exit', () => {
      finish(slot, (job) => job.reject(new Error('pool worker exited')));
      slots.delete(slot);
      pump();
    });
  };

  const pump = () => {
    if (closed) return;
    if (!used && queue.length > 0) {
      used = true;
      if (opts.fillOnFirstUse) while (slots.size < opts.size) spawn();
    }
    while (queue.length > 0) {
      const idle = [...slots].find((s) => s.ready && s.job === null);
      if (idle === undefined) {
        if (slots.size < opts.size) spawn();
        return;
      }
      const job = queue.shift() as J;
      idle.job = job;
      idle.timer = setTimeout(() => {
        opts.log.warn({ timeoutMs: opts.timeoutMs, ...opts.describe?.(job.task) }, 'worker task passed its deadline; worker terminated');
        finish(idle, (j) => j.reject(opts.errors.timeout(opts.timeoutMs)));
        retire(idle);
        pump();
      }, opts.timeoutMs);
      idle.worker.postMessage(job.task);
    }
  };

  return {
    run(task) {
      if (closed) return Promise.reject(new Error('the worker pool is closed'));
      if (queue.length >= opts.maxQueue) return Promise.reject(opts.errors.busy());
      return new Promise((resolve, reject) => {
        queue.push({ task, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error('the worker pool is closed'));
      await Promise.all(
        [...slots].map(async (s) => {
          finish(s, (job) => job.reject(new Error('the worker pool is closed')));
          s.worker.removeAllListeners();
          await s.worker.terminate();
        }),
      );
      slots.clear();
    },
  };
}
