import { readdirSync, readFileSync } from 'node:fs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createWorkerPool } from './worker-pool';

/** Nice value of every thread of this process (Linux /proc: field 19 of each task's stat). */
const threadNices = (): number[] =>
  readdirSync(`/proc/${process.pid}/task`).map((tid) => {
    try {
      return Number(readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
    } catch {
      return 0;
    }
  });

describe('createWorkerPool nice (ADR 0031)', () => {
  it.runIf(process.platform === 'linux')('renices its worker thread, and only it, to the given priority', async () => {
    expect(threadNices().filter((n) => n === 19)).toHaveLength(0);
    const pool = createWorkerPool<unknown, unknown>({
      workerFile: new URL('../runs/compute-worker.ts', import.meta.url),
      size: 1,
      timeoutMs: 20_000,
      maxQueue: 1,
      log: pino({ level: 'silent' }),
      errors: { timeout: () => new Error('timeout'), busy: () => new Error('busy'), outOfMemory: () => new Error('oom') },
      loader: 'cjs',
      nice: 19,
    });
    try {
      // Not a task the worker knows: it answers with its error, so it is up.
      await expect(pool.run({ not: 'a task' })).rejects.toThrow(/worker task failed/);
      expect(threadNices().filter((n) => n === 19).length).toBeGreaterThanOrEqual(1);
      expect(threadNices()[0]).toBe(0); // the main thread keeps its priority
    } finally {
      await pool.close();
    }
  }, 60_000);
});
