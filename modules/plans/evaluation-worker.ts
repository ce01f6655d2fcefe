/**
 * Entry of an evaluation worker thread: evaluates one task at a time and answers with its
 * outcome (or the message of an unexpected error). Started by evaluation-pool.ts.
 */
import { parentPort } from 'node:worker_threads';
import { computeEvaluation } from './service/compute-evaluation';
import type { EvaluationTask } from './service/evaluation-types';

const port = parentPort;
if (port === null) throw new Error('evaluation-worker.ts runs only as a worker thread');
port.on('message', (task: EvaluationTask) => {
  try {
    port.postMessage({ ok: true, outcome: computeEvaluation(task) });
  } catch (err) {
    port.postMessage({ ok: false, message: (err as Error).message });
  }
});
port.postMessage({ ready: true });
