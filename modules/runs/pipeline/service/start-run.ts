import { recordAudit } from '../../../audit/index';
import { canonicalDecimal } from '../../../core/decimal';
import { withTenant } from '../../../core/db';
import { findPlanVersion, type PlanVersionForRun } from '../../../plans/index';
import * as runsRepo from '../../repo';
import type { RunRecord } from '../../tables';
import { tapeLayout } from '../compute-chunk';
import { RunErrors } from '../errors';
import { enqueueRunJob, runJobId } from '../queue';
import * as repo from '../repo';
import type { StartRunBody } from '../schema';
import type { Caller, PipelineDeps } from './context';

/** The output a run pays out: the plan's pool column, else `bonus`, else the last step's output. */
export function payoutOutputOf(plan: PlanVersionForRun): string {
  const outputs = plan.definition.steps.map((s) => s.output);
  const wanted = plan.pools[0]?.column ?? (outputs.includes('bonus') ? 'bonus' : outputs.at(-1));
  if (wanted === undefined || !outputs.includes(wanted)) throw RunErrors.noPayout(plan.id, wanted ?? 'bonus');
  return wanted;
}

/** Why an upload cannot be run yet, or null when it can (docs/storage.md's contract, or a legacy upload). */
function notReady(u: repo.UploadReadiness): string | null {
  if (u.row_count === 0) return 'the upload has no rows';
  if (u.status === 'ready') return null;
  if (u.status !== 'parsed') return `its status is ${u.status}, not parsed`;
  if (u.mapping === null || u.mapping === undefined) return 'its columns are not mapped to the plan yet';
  if ((u.problem_count ?? 0) > 0) return `its validation found ${u.problem_count} problem(s)`;
  return null;
}

/**
 * Start a run of a locked plan version over a parsed upload: the run is stored `queued` (audited)
 * and a pipeline job is queued for `npm run worker`. Answers at once (202); the job does the work.
 */
export async function startRun(deps: PipelineDeps, caller: Caller, body: StartRunBody): Promise<RunRecord> {
  const run = await withTenant(deps.db, caller.tenantId, async (trx) => {
    const upload = await repo.findUploadReadiness(trx, body.upload_id);
    if (!upload) throw RunErrors.uploadNotFound(body.upload_id);
    const why = notReady(upload);
    if (why !== null) throw RunErrors.uploadNotReady(body.upload_id, why);
    const plan = await findPlanVersion(trx, caller.tenantId, body.plan_id);
    if (!plan) throw RunErrors.planNotFound(body.plan_id);
    if (plan.status !== 'locked') throw RunErrors.planNotLocked(body.plan_id);
    const fed = await repo.fedInputs(trx, upload);
    const missing = plan.definition.inputs.map((i) => i.name).filter((name) => !fed.has(name));
    if (missing.length > 0) throw RunErrors.uploadPlanMismatch(upload.id, missing);
    const payout = payoutOutputOf(plan);
    const pool = body.pool ?? plan.pools[0]?.amount;
    const now = new Date();
    const created = await runsRepo.insertRun(trx, {
      tenant_id: caller.tenantId,
      upload_id: upload.id,
      plan_id: plan.id,
      plan_version: plan.version,
      band_version: null,
      bands: null,
      name: body.name,
      pool_amount: pool === undefined ? null : canonicalDecimal(pool),
      status: 'queued',
      employee_count: upload.row_count,
      total_bonus: null,
      total_pool_bonus: null,
      source: 'fig',
      created_by: caller.actor,
      created_at: now,
      completed_at: null,
      payout_output: payout,
      tape_layout: JSON.stringify(tapeLayout(plan.definition)),
      chunk_rows: deps.config.RUNS_CHUNK_ROWS,
      state_changed_at: now,
    });
    await recordAudit(trx, {
      tenantId: caller.tenantId,
      actor: caller.actor,
      actorId: caller.actorId ?? null,
      action: 'run.queued',
      entity: 'run',
      entityId: String(created.id),
      before: null,
      after: {
        status: 'queued',
        planId: plan.id,
        planVersion: plan.version,
        uploadId: upload.id,
        pool: created.pool_amount,
        name: body.name,
      },
      requestId: caller.requestId ?? null,
      ip: caller.ip ?? null,
    });
    return created;
  });
  // Redis down: the run is stored `queued` all the same (202); the worker's sweep adds its job (ADR 0025).
  await enqueueRunJob(
    deps.config,
    { tenantId: caller.tenantId, runId: run.id, retry: false },
    runJobId(caller.tenantId, run.id, null),
  ).catch((err: Error) =>
    deps.log.warn(
      { runId: run.id, err: err.message },
      'run stored queued without its job; the worker sweep adds it',
    ),
  );
  return run;
}
