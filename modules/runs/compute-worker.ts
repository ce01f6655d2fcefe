/**
 * Entry of a runs compute worker thread: evaluates one task at a time — a whole calculation
 * (plan over rows, then the pool) or one chunk of a stored run — and answers with its outcome or
 * the message of an unexpected error. Started by compute-pool.ts.
 */
import { parentPort } from 'node:worker_threads';
import { computeRun, type ComputeTask } from './compute';
import { computeChunk, type ChunkTask } from './compute-chunk';

const port = parentPort;
if (port === null) throw new Error('compute-worker.ts runs only as a worker thread');
port.on('message', (task: ComputeTask | ChunkTask) => {
  try {
    port.postMessage({ ok: true, outcome: 'kind' in task && task.kind === 'chunk' ? computeChunk(task) : computeRun(task as ComputeTask) });
  } catch (err) {
    port.postMessage({ ok: false, message: (err as Error).message });
  }
});
port.postMessage({ ready: true });
