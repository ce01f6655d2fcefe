import { listPage, type Page } from '../../core/pagination';
import { ApprovalErrors } from '../errors';
import { toDecision, toInstance } from '../mappers';
import * as repo from '../repo';
import type { ApprovalInstance, ApprovalListQuery, CurrentStep, Decision } from '../schema';
import { inTenant, type ApprovalContext, type ApprovalsDeps } from './context';

/** One approval with its steps and history, or 404. */
export async function getApproval(deps: ApprovalsDeps, ctx: ApprovalContext, id: string): Promise<ApprovalInstance> {
  return inTenant(deps, ctx, async (trx) => {
    const row = await repo.findInstance(trx, ctx.tenantId, id);
    if (!row) throw ApprovalErrors.instanceNotFound(id);
    return toInstance(row, await repo.listDecisions(trx, ctx.tenantId, [row.id]));
  });
}

/** The step waiting for a decision (null once the approval is approved, rejected or cancelled), or 404. */
export async function currentStep(deps: ApprovalsDeps, ctx: ApprovalContext, id: string): Promise<CurrentStep | null> {
  return (await getApproval(deps, ctx, id)).currentStep;
}

/** Every decision of every approval of one subject, oldest first (a rejected run resubmitted has several instances). */
export async function history(deps: ApprovalsDeps, ctx: ApprovalContext, subject: { subjectType: string; subjectId: string }): Promise<Decision[]> {
  return inTenant(deps, ctx, async (trx) => {
    const { rows } = await repo.listInstances(trx, ctx.tenantId, subject, 0, 1000);
    const decisions = await repo.listDecisions(
      trx,
      ctx.tenantId,
      rows.map((r) => r.id),
    );
    return decisions.map(toDecision);
  });
}

/** The newest approval of a subject (any status), or undefined. */
export async function findLatestForSubject(
  deps: ApprovalsDeps,
  ctx: ApprovalContext,
  subject: { subjectType: string; subjectId: string },
): Promise<ApprovalInstance | undefined> {
  return inTenant(deps, ctx, async (trx) => {
    const { rows } = await repo.listInstances(trx, ctx.tenantId, subject, 0, 1);
    const row = rows[0];
    return row ? toInstance(row, await repo.listDecisions(trx, ctx.tenantId, [row.id])) : undefined;
  });
}

/**
 * A page of approvals, newest first. `mine=1` is the caller's inbox: pending approvals whose
 * current step is held by one of the caller's roles, without those the caller already decided
 * a step of (when the policy wants distinct approvers).
 */
export async function listApprovals(deps: ApprovalsDeps, ctx: ApprovalContext, query: ApprovalListQuery): Promise<Page<ApprovalInstance>> {
  return inTenant(deps, ctx, async (trx) => {
    const filter: repo.InstanceFilter = { status: query.status, subjectType: query.subjectType, subjectId: query.subjectId };
    if (query.mine === '1') {
      filter.waitingForRoles = [...(ctx.roles ?? [])];
      if (ctx.actorId) filter.notDecidedBy = ctx.actorId;
    }
    let decisions: Awaited<ReturnType<typeof repo.listDecisions>> = [];
    return listPage(
      query,
      async (offset, limit) => {
        const got = await repo.listInstances(trx, ctx.tenantId, filter, offset, limit);
        decisions = await repo.listDecisions(
          trx,
          ctx.tenantId,
          got.rows.map((r) => r.id),
        );
        return got;
      },
      (row) => toInstance(row, decisions),
    );
  });
}
