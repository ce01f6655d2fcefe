/**
 * Entry of a runs pipeline worker thread (started by modules/core/worker-pool.ts from run-job.ts):
 * evaluates one chunk or allocates one pool at a time. The compiled plan of the last run is kept,
 * so a run's chunks compile it once per thread.
 */
import { parentPort } from 'node:worker_threads';
import { compilePlan, PlanDefinition, type CompiledPlan } from '../../engine/index';
import { computeChunk, computePool, type PipelineTask } from './compute-chunk';

const port = parentPort;
if (port === null) throw new Error('pipeline-worker.ts runs only as a worker thread');
let cached: { key: string; compiled: CompiledPlan } | undefined;
port.on('message', (task: PipelineTask) => {
  try {
    if (task.kind === 'warm') {
      // Hold this thread until every thread of the pool is up (thread-pool.ts warmPipelineThreads).
      Atomics.add(task.counter, 0, 1);
      Atomics.notify(task.counter, 0);
      const deadline = Date.now() + task.timeoutMs;
      for (
        let seen = Atomics.load(task.counter, 0);
        seen < task.threads && Date.now() < deadline;
        seen = Atomics.load(task.counter, 0)
      ) {
        Atomics.wait(task.counter, 0, seen, Math.max(1, deadline - Date.now()));
      }
      port.postMessage({ ok: true, outcome: { kind: 'warm' } });
      return;
    }
    if (task.kind === 'pool') {
      port.postMessage({ ok: true, outcome: computePool(task) });
      return;
    }
    if (cached?.key !== task.key)
      cached = { key: task.key, compiled: compilePlan(PlanDefinition.parse(task.plan)) };
    port.postMessage({ ok: true, outcome: computeChunk(cached.compiled, task) });
  } catch (err) {
    port.postMessage({ ok: false, message: (err as Error).message });
  }
});
port.postMessage({ ready: true });
