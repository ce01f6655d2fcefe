import { AppError } from '../../core/errors';
import { DEFAULT_POLICIES } from '../defaults';
import type { ApprovalInstance, SubmitBody } from '../schema';
import { inTenant, type ApprovalContext, type ApprovalsDeps } from './context';
import { startApproval } from './start-approval';

/**
 * Submit a subject for approval through the generic route: its module's `onSubmit` hook checks
 * and moves the subject and gives the amount, then the approval starts, all in one transaction.
 * Without `policyKey` the default policy of the subject type is used.
 */
export async function submitSubject(deps: ApprovalsDeps, ctx: ApprovalContext, body: SubmitBody): Promise<ApprovalInstance> {
  const hooks = deps.subjects.get(body.subjectType);
  if (!hooks?.onSubmit)
    throw new AppError('APPROVAL_SUBJECT_UNKNOWN', 422, `${body.subjectType} subjects cannot be submitted here: their own module starts their approvals`, [
      { path: 'body.subjectType', message: 'no module takes submissions of this subject type' },
    ]);
  const policyKey = body.policyKey ?? DEFAULT_POLICIES.find((p) => p.subjectType === body.subjectType)?.key;
  if (!policyKey) throw new AppError('FIG_VALIDATION', 400, '1 invalid field(s)', [{ path: 'body.policyKey', message: `is required: ${body.subjectType} has no default policy` }]);
  return inTenant(deps, ctx, async (trx) => {
    const { amount } = await hooks.onSubmit!(trx, { tenantId: ctx.tenantId, subjectId: body.subjectId, actor: ctx.actor, actorId: ctx.actorId ?? null });
    return startApproval(deps, { ...ctx, trx }, { subjectType: body.subjectType, subjectId: body.subjectId, amount, policyKey });
  });
}
