/**
 * Entry of a runs outputs worker thread: builds one statement PDF at a time and answers
 * with its bytes or the message of an unexpected error. Started by outputs-pool.ts.
 */
import { parentPort } from 'node:worker_threads';
import { statementPdf } from './statement';
import type { OutputTask } from './types';

const port = parentPort;
if (port === null) throw new Error('outputs-worker.ts runs only as a worker thread');

async function build(task: OutputTask): Promise<Buffer> {
  return statementPdf(task.run, task.row);
}

port.on('message', (task: OutputTask) => {
  build(task).then(
    (b) => port.postMessage({ ok: true, outcome: b }),
    (err: unknown) => port.postMessage({ ok: false, message: (err as Error).message }),
  );
});
port.postMessage({ ready: true });
