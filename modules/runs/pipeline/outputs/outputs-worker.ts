/**
 * Entry of a runs outputs worker thread: builds one statement PDF or export at a time and answers
 * with its bytes or the message of an unexpected error. Started by outputs-pool.ts.
 */
import { parentPort } from 'node:worker_threads';
import { toCsv } from './cells';
import { toXlsx, toZip } from './files';
import { statementPdf } from './statement';
import type { OutputTask } from './types';

const port = parentPort;
if (port === null) throw new Error('outputs-worker.ts runs only as a worker thread');

async function build(task: OutputTask): Promise<Buffer> {
  if (task.kind === 'statement') return statementPdf(task.run, task.row);
  if (task.kind === 'csv') return Buffer.from(toCsv(task.run, task.rows), 'utf8');
  if (task.kind === 'xlsx') return toXlsx(task.run, task.rows);
  return toZip(task.run, task.rows);
}

port.on('message', (task: OutputTask) => {
  build(task).then(
    (b) => port.postMessage({ ok: true, outcome: b }),
    (err: unknown) => port.postMessage({ ok: false, message: (err as Error).message }),
  );
});
port.postMessage({ ready: true });
