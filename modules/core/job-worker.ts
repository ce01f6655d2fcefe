import { Worker } from 'bullmq';
import type { JobContext, JobDefinition } from './jobs';
import { queueName } from './jobs';

/**
 * A BullMQ worker for one job definition: parses the payload, hands the handler the context with
 * this try's attempt and a child logger, applies the definition's concurrency and lock settings.
 * gateway/worker.ts runs one per definition; tests run one in process.
 */
export function startJobWorker(def: JobDefinition, ctx: JobContext, connection: { url: string; maxRetriesPerRequest: null }, prefix: string): Worker {
  const name = queueName(def);
  const worker = new Worker(
    name,
    async (job) => {
      const payload = def.payload.parse(job.data);
      const attempt = { made: job.attemptsMade, max: job.opts.attempts ?? 1 };
      return def.handler(payload, { ...ctx, attempt, log: ctx.log.child({ job: name, jobId: job.id }) });
    },
    {
      connection,
      prefix,
      concurrency: def.concurrency ?? 1,
      ...(def.lock
        ? {
            lockDuration: def.lock.durationMs,
            stalledInterval: def.lock.stalledIntervalMs,
            maxStalledCount: def.lock.maxStalledCount,
          }
        : {}),
    },
  );
  worker.on('failed', (job, err) => ctx.log.warn({ job: name, jobId: job?.id, err: err.message }, 'job failed'));
  return worker;
}
