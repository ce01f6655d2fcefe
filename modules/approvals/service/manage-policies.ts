import type { Trx } from '../../core/db';
import { DEFAULT_POLICIES } from '../defaults';
import { ApprovalErrors } from '../errors';
import { toPolicy } from '../mappers';
import * as repo from '../repo';
import type { CreatePolicyBody, Policy } from '../schema';
import type { PolicyRow, PolicyStepRow } from '../tables';
import { auditApproval, inTenant, type ApprovalContext, type ApprovalsDeps } from './context';

/** Write a policy version (the next one for its key), with its audit event. */
async function writeVersion(trx: Trx, ctx: ApprovalContext, body: CreatePolicyBody, version: number): Promise<Policy | undefined> {
  const row = await repo.insertPolicyVersion(
    trx,
    {
      tenant_id: ctx.tenantId,
      key: body.key,
      version,
      subject_type: body.subjectType,
      name: body.name,
      description: body.description,
      distinct_approvers: body.distinctApprovers,
      created_by: ctx.actor,
    },
    body.steps.map((s) => ({ role: s.role, label: s.label, min_amount: s.minAmount ?? null })),
  );
  if (!row) return undefined;
  const policy = toPolicy(row, await repo.listPolicySteps(trx, ctx.tenantId, [row.id]));
  await auditApproval(trx, ctx, { action: 'approval_policy.create', entity: 'approval_policy', entityId: row.id, after: policy });
  return policy;
}

/**
 * Write the built-in default policies (defaults.ts) the tenant does not have yet, as version 1.
 * Idempotent and safe under concurrency (a version another transaction wrote first is kept).
 */
export async function ensureDefaultPolicies(trx: Trx, ctx: ApprovalContext, keys?: string[]): Promise<void> {
  for (const body of DEFAULT_POLICIES) {
    if (keys && !keys.includes(body.key)) continue;
    if (await repo.findLatestPolicy(trx, ctx.tenantId, body.key)) continue;
    await writeVersion(trx, { ...ctx, actor: 'system', actorId: null }, body, 1);
  }
}

/** The newest version of policy `key` with its steps (a default one is written on first use), or 404. */
export async function resolvePolicy(trx: Trx, ctx: ApprovalContext, key: string): Promise<{ row: PolicyRow; steps: PolicyStepRow[] }> {
  await ensureDefaultPolicies(trx, ctx, [key]);
  const row = await repo.findLatestPolicy(trx, ctx.tenantId, key);
  if (!row) throw ApprovalErrors.policyNotFound(key);
  return { row, steps: await repo.listPolicySteps(trx, ctx.tenantId, [row.id]) };
}

/** The newest version of every policy of the tenant (defaults included). */
export async function listPolicies(deps: ApprovalsDeps, ctx: ApprovalContext): Promise<Policy[]> {
  return inTenant(deps, ctx, async (trx) => {
    await ensureDefaultPolicies(trx, ctx);
    const rows = await repo.listLatestPolicies(trx, ctx.tenantId);
    const steps = await repo.listPolicySteps(
      trx,
      ctx.tenantId,
      rows.map((r) => r.id),
    );
    return rows.map((r) => toPolicy(r, steps));
  });
}

/**
 * A new policy, or the next version of the policy with the same key. Instances already started
 * keep the steps they froze; new ones use this version.
 */
export async function createPolicy(deps: ApprovalsDeps, ctx: ApprovalContext, body: CreatePolicyBody): Promise<Policy> {
  return inTenant(deps, ctx, async (trx) => {
    await ensureDefaultPolicies(trx, ctx, [body.key]);
    const latest = await repo.findLatestPolicy(trx, ctx.tenantId, body.key);
    const policy = await writeVersion(trx, ctx, body, (latest?.version ?? 0) + 1);
    if (!policy) throw ApprovalErrors.policyRace(body.key);
    return policy;
  });
}
