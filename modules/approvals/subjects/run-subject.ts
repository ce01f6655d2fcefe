import { badRequest } from '../../core/errors';
import { mailRunFinalized } from '../../notify/index';
import { setRunStateIn } from '../../runs/index';
import type { ApprovalSubjectHooks } from '../service/context';

/** Subject type of bonus runs; their default policy is RUN_POLICY_KEY (manager → hr → finance). */
export const RUN_SUBJECT = 'run';

function runIdOf(subjectId: string): number {
  const id = Number(subjectId);
  if (!Number.isSafeInteger(id) || id <= 0) throw badRequest('1 invalid field(s)', [{ path: 'body.subjectId', message: 'must be a run id' }], 'FIG_VALIDATION');
  return id;
}

/**
 * How approvals move a run, through the runs module's own state machine (setRunStateIn, in the
 * decision's transaction): submitting puts a completed run in review (its payout total is the
 * amount the thresholds compare), the last approval finalizes it (immutable from then on),
 * a rejection returns it to completed — the run's draft — with the reason in its audit trail.
 * The runs module refuses anything else (409: a run still computing, already finalized…).
 */
export const runApprovalHooks: ApprovalSubjectHooks = {
  onSubmit: async (trx, e) => {
    const run = await setRunStateIn(trx, runIdOf(e.subjectId), 'in_review', { actor: e.actor, actorId: e.actorId });
    return { amount: run.total_pool_bonus ?? run.total_bonus ?? null };
  },
  onApproved: async (trx, e) => {
    const run = await setRunStateIn(trx, runIdOf(e.instance.subjectId), 'finalized', { actor: e.actor }, e.decision?.comment || null);
    // The run's creator hears that it is final, in the same transaction as the finalization.
    await mailRunFinalized(trx, {
      tenantId: e.tenantId,
      runId: run.id,
      runName: run.name,
      createdBy: run.created_by,
      finalizedBy: e.actor,
      employees: run.employee_count,
    });
  },
  onRejected: async (trx, e) => {
    await setRunStateIn(trx, runIdOf(e.instance.subjectId), 'completed', { actor: e.actor }, e.reason);
  },
};
