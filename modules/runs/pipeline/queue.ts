import { z } from 'zod';
import type { Config } from '../../core/config';
import { addJob } from '../../core/queue';

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
 * The job id of a run: the run's for its first computation; a retry or resume adds the time the
 * run was queued again, so each retry is a new job while a repeated add of the same one is ignored.
 */
export function runJobId(tenantId: string, runId: number, requeuedAt: Date | null): string {
  return requeuedAt === null
    ? `run-${tenantId}-${runId}`
    : `run-${tenantId}-${runId}-retry-${requeuedAt.getTime()}`;
}

/** Tries of a run job: exponential back-off from 2 s covers 2 + 4 + … + 128 s ≈ 4 min of outage. */
export const RUN_JOB_ATTEMPTS = 8;

/**
 * Put a run on the worker's queue. The job id (runJobId) makes a repeated add for the same run a
 * no-op while the first is queued, running or kept. Tries: 8, backing off from 2 s (about 4
 * minutes in all, so a Postgres restart or failover does not use up the tries and leave the run
 * `running` with no job: the give-up write needs the database too); a worker killed mid-run
 * gives its job back through BullMQ's stall check. Rejects after ADD_TIMEOUT_MS when Redis does not
 * answer (the run stays `queued`; the worker's sweep enqueues it, sweep-queued.ts).
 */
export async function enqueueRunJob(config: Config, payload: RunJobPayload, jobId: string): Promise<void> {
  await addJob(config, RUN_JOB, payload, { jobId, retry: { attempts: RUN_JOB_ATTEMPTS, backoffMs: 2_000 } });
}
