import { Queue } from 'bullmq';
import type { Config } from './config';
import { queueName, type JobDefinition } from './jobs';

/** How long adding a job may take before the caller stops waiting (Redis down). */
export const ADD_TIMEOUT_MS = 3_000;

/**
 * Add one job for a definition from a request (a producer outside the worker). `jobId` makes a
 * repeated add a no-op while the first is queued, running or kept. `retry`: tries in all and the
 * first retry's delay, doubled each time. Rejects after ADD_TIMEOUT_MS when Redis does not answer
 * (BullMQ would otherwise queue the command until Redis is back).
 */
export async function addJob(
  config: Pick<Config, 'REDIS_URL' | 'REDIS_PREFIX'>,
  def: Pick<JobDefinition, 'name' | 'version'>,
  payload: unknown,
  opts: { jobId: string; retry?: { attempts: number; backoffMs: number } },
): Promise<void> {
  const queue = new Queue(queueName(def), {
    connection: { url: config.REDIS_URL, maxRetriesPerRequest: null, enableOfflineQueue: true },
    prefix: `${config.REDIS_PREFIX}bull`,
  });
  queue.on('error', () => undefined); // connection errors surface as the add's timeout below
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      queue.add('run', payload, {
        jobId: opts.jobId,
        attempts: opts.retry?.attempts ?? 1,
        ...(opts.retry ? { backoff: { type: 'exponential', delay: opts.retry.backoffMs } } : {}),
        removeOnComplete: 1000,
        removeOnFail: 5000,
      }),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Redis did not take the job within ${ADD_TIMEOUT_MS} ms`)),
          ADD_TIMEOUT_MS,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await Promise.race([queue.close(), new Promise((r) => setTimeout(r, 500))]).catch(() => undefined);
    void queue.disconnect().catch(() => undefined);
  }
}
