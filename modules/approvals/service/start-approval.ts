import { compareDecimals } from '../../core/decimal';
import { ApprovalErrors } from '../errors';
import { toInstance } from '../mappers';
import * as repo from '../repo';
import type { ApprovalInstance } from '../schema';
import type { FrozenStep, PolicyStepRow } from '../tables';
import { auditApproval, inTenant, type ApprovalContext, type ApprovalsDeps } from './context';
import { resolvePolicy } from './manage-policies';

export interface StartApprovalInput {
  /** What is approved ('run', 'ap_bill'); must match the policy's subject type. */
  subjectType: string;
  subjectId: string;
  /** Decimal string the thresholds are compared with (a run's pool, a bill's total); null: every step applies. */
  amount?: string | null;
  policyKey: string;
}

/**
 * The steps of a policy that apply to `amount`: those without a threshold, and those whose
 * threshold the amount is above. Without an amount every step applies (a missing amount never
 * skips a control). Renumbered 1..n in policy order.
 */
export function applicableSteps(steps: PolicyStepRow[], amount: string | null): FrozenStep[] {
  return steps
    .filter((s) => s.min_amount === null || amount === null || compareDecimals(amount, s.min_amount) > 0)
    .map((s, i) => ({ position: i + 1, role: s.role, label: s.label, minAmount: s.min_amount }));
}

/**
 * Start an approval of one subject under the newest version of policy `policyKey`. 409 when the
 * subject already has a pending approval; 404 when the policy does not exist; 422 when the policy
 * approves another subject type. Audited as `approval.start`.
 */
export async function startApproval(deps: ApprovalsDeps, ctx: ApprovalContext, input: StartApprovalInput): Promise<ApprovalInstance> {
  const amount = input.amount ?? null;
  if (amount !== null && !/^-?\d{1,28}(\.\d{1,10})?$/.test(amount))
    throw new TypeError(`startApproval: amount must be a decimal string, got ${JSON.stringify(amount)}`);
  return inTenant(deps, ctx, async (trx) => {
    const policy = await resolvePolicy(trx, ctx, input.policyKey);
    if (policy.row.subject_type !== input.subjectType)
      throw ApprovalErrors.policySubjectMismatch(input.policyKey, policy.row.subject_type, input.subjectType);
    const pending = await repo.findPendingForSubject(trx, ctx.tenantId, input.subjectType, input.subjectId);
    if (pending) throw ApprovalErrors.alreadyPending({ type: input.subjectType, id: input.subjectId, instanceId: pending.id });
    const steps = applicableSteps(policy.steps, amount);
    const row = await repo.insertInstance(trx, {
      tenant_id: ctx.tenantId,
      policy_id: policy.row.id,
      policy_key: policy.row.key,
      subject_type: input.subjectType,
      subject_id: input.subjectId,
      amount,
      steps: JSON.stringify(steps),
      current_position: 1,
      waiting_role: steps[0]!.role,
      reason: null,
      started_by: ctx.actor,
      created_at: deps.clock?.() ?? new Date(),
      completed_at: null,
    });
    const instance = toInstance(row, []);
    await auditApproval(trx, ctx, {
      action: 'approval.start',
      entity: 'approval',
      entityId: row.id,
      after: { policyKey: row.policy_key, policyVersion: policy.row.version, subjectType: row.subject_type, subjectId: row.subject_id, amount: instance.amount, steps },
    });
    await deps.onStepReached?.(trx, { tenantId: ctx.tenantId, instance, role: steps[0]!.role, actor: ctx.actor });
    deps.log.info({ approvalId: row.id, subjectType: row.subject_type, subjectId: row.subject_id }, 'approval started');
    return instance;
  });
}
