import type { Trx } from '../../core/db';
import { mailApprovalRequested } from '../../notify/index';
import type { StepReachedEvent } from '../service/context';

/** How people read a subject in a mail ("run 42", "ap_bill 9f…"). */
function titleOf(e: StepReachedEvent): string {
  return `${e.instance.subjectType === 'run' ? 'run' : e.instance.subjectType.replace(/_/g, ' ')} ${e.instance.subjectId}`;
}

/** The approvals module's onStepReached: mail the step's role holders (modules/notify). */
export async function mailStepReached(trx: Trx, e: StepReachedEvent): Promise<void> {
  await mailApprovalRequested(trx, {
    tenantId: e.tenantId,
    approvalId: e.instance.id,
    role: e.role,
    title: titleOf(e),
    requestedBy: e.actor,
    note: e.comment ?? null,
  });
}
