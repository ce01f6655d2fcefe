import { ApprovalErrors } from '../errors';
import { toInstance } from '../mappers';
import * as repo from '../repo';
import type { ApprovalInstance } from '../schema';
import { auditApproval, inTenant, type ApprovalContext, type ApprovalsDeps } from './context';

/**
 * Withdraw a pending approval (the subject module's call: a bill deleted, a run recalculated). No
 * hook runs: the subject module is the caller. 409 when it is no longer pending.
 */
export async function cancelApproval(deps: ApprovalsDeps, ctx: ApprovalContext, instanceId: string, reason: string): Promise<ApprovalInstance> {
  return inTenant(deps, ctx, async (trx) => {
    const row = await repo.findInstance(trx, ctx.tenantId, instanceId, { forUpdate: true });
    if (!row) throw ApprovalErrors.instanceNotFound(instanceId);
    if (row.status !== 'pending') throw ApprovalErrors.notPending(row.id, row.status);
    const updated = await repo.updateInstance(trx, ctx.tenantId, row.id, {
      status: 'cancelled',
      current_position: null,
      waiting_role: null,
      reason,
      completed_at: deps.clock?.() ?? new Date(),
    });
    await auditApproval(trx, ctx, {
      action: 'approval.cancel',
      entity: 'approval',
      entityId: row.id,
      before: { status: row.status, position: row.current_position },
      after: { status: 'cancelled', reason },
    });
    return toInstance(updated, await repo.listDecisions(trx, ctx.tenantId, [row.id]));
  });
}
