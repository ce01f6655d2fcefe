import { Queue } from 'bullmq';
import { z } from 'zod';
import type { Config } from '../../core/config';
import { queueName } from '../../core/jobs';

/** The pipeline job: compute a run (or re-run its failed rows) in `npm run worker`. */
export const RUN_JOB = { name: 'runs.pipeline', version: 1 } as const;

export const RunJobPayload = z.object({
  tenantId: z.string().uuid(),
  runId: z.number().int().positive(),
  /** Re-run only the failed rows of a computed run. */
  retry: z.boolean().default(false),
});
export type RunJobPayload = z.infer<typeof RunJobPayload>;

/**
 * Put a run on the worker's queue. The job id is the run's (plus the retry's state time), so a
 * repeated add for the same run is ignored by BullMQ while the first is queued, running or kept.
 * Tries: 3, backing off; a worker killed mid-run gives its job back through BullMQ's stall check.
 */
export async function enqueueRunJob(config: Config, payload: RunJobPayload, jobId: string): Promise<void> {
  const queue = new Queue(queueName(RUN_JOB), { connection: { url: config.REDIS_URL, maxRetriesPerRequest: null }, prefix: `${config.REDIS_PREFIX}bull` });
  try {
    await queue.add('run', payload, { jobId, attempts: 3, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: 1000, removeOnFail: 5000 });
  } finally {
    await queue.close();
  }
}
