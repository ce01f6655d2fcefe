import { badRequest } from '../../core/errors';
import { ApprovalErrors } from '../errors';
import { currentStepOf, toInstance } from '../mappers';
import * as repo from '../repo';
import { DecideBody, type ApprovalInstance } from '../schema';
import { auditApproval, inTenant, type ApprovalContext, type ApprovalEvent, type ApprovalsDeps } from './context';

/** A decision as callers write it (comment optional for an approval). */
export type DecideInput = { decision: 'approve' | 'reject'; comment?: string; position?: number };

/**
 * Approve or reject the current step of a pending approval. Refused with 404 (no such approval in
 * this tenant), 409 (not pending, or the step moved on since the caller looked), 403 (the caller
 * does not hold the step's role, or already decided another step of a distinct-approver policy).
 * Approving the last step approves the instance; rejecting ends it with the comment as reason.
 * The decision, the instance change, the audit event and the subject module's hook commit together.
 */
export async function decide(deps: ApprovalsDeps, ctx: ApprovalContext, instanceId: string, input: DecideInput): Promise<ApprovalInstance> {
  // Module callers get the same checks as the HTTP edge (a rejection needs a reason).
  const parsed = DecideBody.safeParse(input);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ path: ['body', ...i.path].join('.'), message: i.message, code: i.code }));
    throw badRequest(`${errors.length} invalid field(s)`, errors, 'FIG_VALIDATION');
  }
  const body = parsed.data;
  return inTenant(deps, ctx, async (trx) => {
    const row = await repo.findInstance(trx, ctx.tenantId, instanceId, { forUpdate: true });
    if (!row) throw ApprovalErrors.instanceNotFound(instanceId);
    const step = currentStepOf(row);
    if (!step) throw ApprovalErrors.notPending(row.id, row.status);
    if (body.position !== undefined && body.position !== step.position) throw ApprovalErrors.stepMoved(row.id, body.position, step.position);
    const roles = ctx.roles ?? [];
    if (!roles.includes(step.role)) throw ApprovalErrors.wrongRole(step, step.of, [...roles]);

    const earlier = await repo.listDecisions(trx, ctx.tenantId, [row.id]);
    const policy = await repo.getPolicy(trx, ctx.tenantId, row.policy_id);
    const mine = ctx.actorId ? earlier.find((d) => d.actor_id === ctx.actorId) : undefined;
    if (policy.distinct_approvers && mine) throw ApprovalErrors.sameApprover(ctx.actor, mine.position);

    const now = deps.clock?.() ?? new Date();
    const decision = await repo.insertDecision(trx, {
      tenant_id: ctx.tenantId,
      instance_id: row.id,
      position: step.position,
      role: step.role,
      decision: body.decision,
      comment: body.comment,
      actor: ctx.actor,
      actor_id: ctx.actorId ?? null,
      decided_at: now,
    });
    const last = step.position === step.of;
    const next = row.steps[step.position];
    const updated =
      body.decision === 'reject'
        ? await repo.updateInstance(trx, ctx.tenantId, row.id, {
            status: 'rejected',
            current_position: null,
            waiting_role: null,
            reason: body.comment,
            completed_at: now,
          })
        : last || !next
          ? await repo.updateInstance(trx, ctx.tenantId, row.id, { status: 'approved', current_position: null, waiting_role: null, completed_at: now })
          : await repo.updateInstance(trx, ctx.tenantId, row.id, { current_position: next.position, waiting_role: next.role });

    const before = toInstance(row, earlier);
    const instance = toInstance(updated, [...earlier, decision]);
    await auditApproval(trx, ctx, {
      action: body.decision === 'reject' ? 'approval.reject' : instance.status === 'approved' ? 'approval.complete' : 'approval.approve',
      entity: 'approval',
      entityId: row.id,
      before: { status: before.status, position: step.position, role: step.role },
      after: {
        status: instance.status,
        position: instance.currentStep?.position ?? null,
        decision: body.decision,
        comment: body.comment,
        subjectType: row.subject_type,
        subjectId: row.subject_id,
      },
    });

    const hooks = deps.subjects.get(row.subject_type);
    const event: ApprovalEvent = {
      tenantId: ctx.tenantId,
      instance,
      decision: { position: step.position, role: step.role, decision: body.decision, comment: body.comment, actor: ctx.actor },
      actor: ctx.actor,
    };
    if (!hooks) deps.log.warn({ subjectType: row.subject_type, approvalId: row.id }, 'no approval hooks registered for this subject type');
    else if (instance.status === 'rejected') await hooks.onRejected?.(trx, { ...event, reason: body.comment });
    else if (instance.status === 'approved') await hooks.onApproved?.(trx, event);
    else await hooks.onStepApproved?.(trx, event);
    if (instance.status === 'pending' && instance.currentStep)
      await deps.onStepReached?.(trx, { tenantId: ctx.tenantId, instance, role: instance.currentStep.role, actor: ctx.actor, comment: body.comment || null });
    return instance;
  });
}
