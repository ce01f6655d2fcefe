/**
 * Entry of a runs compute worker thread: evaluates one run (plan over rows, then the pool) at a
 * time and answers with its outcome or the message of an unexpected error. Started by compute-pool.ts.
 */
import { parentPort } from 'node:worker_threads';
import { computeRun, type ComputeTask } from './compute';

const port = parentPort;
if (port === null) throw new Error('compute-worker.ts runs only as a worker thread');
port.on('message', (task: ComputeTask) => {
  try {
    port.postMessage({ ok: true, outcome: computeRun(task) });
  } catch (err) {
    port.postMessage({ ok: false, message: (err as Error).message });
  }
});
port.postMessage({ ready: true });
