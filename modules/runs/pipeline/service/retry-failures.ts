import { withTenant } from '../../../core/db';
import type { RunRecord } from '../../tables';
import { RunErrors } from '../errors';
import { enqueueRunJob, runJobId } from '../queue';
import { listChunks } from '../repo';
import { lockRun, transitionRun } from '../states';
import type { Caller, PipelineDeps } from './context';

/**
 * Re-run a failed run: only its failed rows when every chunk was computed, or the rest of the run
 * when its job gave up midway (resumes from the last checkpoint). `failed → queued`, audited.
 */
export async function retryFailures(deps: PipelineDeps, caller: Caller, id: number): Promise<RunRecord> {
  const { run, resume } = await withTenant(deps.db, caller.tenantId, async (trx) => {
    const locked = await lockRun(trx, id);
    if (!locked) throw RunErrors.runNotFound(id);
    if (locked.status === 'finalized') throw RunErrors.finalized(id);
    if (locked.status !== 'failed') throw RunErrors.badTransition(id, locked.status, 'queued');
    const chunks = await listChunks(trx, id);
    const resume = chunks.length === 0 || chunks.some((c) => !c.done);
    if (!resume && locked.failed_count === 0) throw RunErrors.nothingToRetry(id);
    const comment = resume
      ? 'resume the run from its last checkpoint'
      : `re-run ${locked.failed_count} failed row(s)`;
    return { run: await transitionRun(trx, locked, 'queued', { ...caller, comment }), resume };
  });
  await enqueueRunJob(
    deps.config,
    { tenantId: caller.tenantId, runId: id, retry: !resume },
    runJobId(caller.tenantId, id, run.state_changed_at ?? new Date()),
  ).catch((err: Error) =>
    deps.log.warn(
      { runId: id, err: err.message },
      'run queued again without its job; the worker sweep adds it',
    ),
  );
  return run;
}
