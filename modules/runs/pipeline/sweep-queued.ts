import { sql } from 'kysely';
import type { JobContext } from '../../core/jobs';
import { enqueueRunJob, runJobId } from './queue';

interface QueuedRun {
  tenant_id: string;
  id: number;
  state_changed_at: Date | null;
  started_at: Date | null;
  retry_rows: boolean;
}

/**
 * Add the job of every run left `queued` for at least `olderThanMs` (ADR 0025): Redis was down
 * when it was created or re-queued, so POST /runs (or the retry) stored it but could not add its
 * job. The job id is the one the API would have used (runJobId), so a job that does exist is not
 * added twice. Returns how many runs were swept.
 */
export async function sweepQueuedRuns(
  ctx: Pick<JobContext, 'db' | 'config' | 'log'>,
  olderThanMs: number,
): Promise<number> {
  const { rows } =
    await sql<QueuedRun>`select * from runs.queued_runs(${`${Math.max(0, Math.floor(olderThanMs))} milliseconds`}::interval)`.execute(
      ctx.db,
    );
  for (const run of rows) {
    // A run that started before and is queued again is a retry (failed rows) or a resume.
    const requeuedAt = run.started_at === null ? null : run.state_changed_at;
    await enqueueRunJob(
      ctx.config,
      { tenantId: run.tenant_id, runId: run.id, retry: run.retry_rows },
      runJobId(run.tenant_id, run.id, requeuedAt),
    );
  }
  if (rows.length > 0) ctx.log.info({ runs: rows.map((r) => r.id) }, 'queued runs without a job re-enqueued');
  return rows.length;
}
