import { auditPlanChange } from '../audit';
import { PlanErrors } from '../errors';
import { toPlan } from '../mappers';
import * as repo from '../repo';
import type { Plan } from '../schema';
import type { Caller, PlansDeps } from './context';
import { getPlanRow, inTenant } from './context';
import { loadBundle } from './load-plan';
import { bundleProblems } from './validate-plan';

/**
 * POST /bonus-plans/{id}/lock: validate, then freeze the plan. The row stays locked FOR UPDATE
 * from validation to the status change, so no edit can slip in between.
 */
export async function lockPlan(deps: PlansDeps, caller: Caller, id: string): Promise<Plan> {
  return inTenant(deps, caller, async (trx) => {
    const plan = await getPlanRow(trx, caller, id, { forUpdate: true });
    if (plan.status === 'locked') throw PlanErrors.alreadyLocked(id);
    const bundle = await loadBundle(trx, plan);
    const problems = bundleProblems(bundle);
    if (problems.length > 0) throw PlanErrors.invalid(id, problems);
    const now = deps.clock?.() ?? new Date();
    const locked = await repo.updatePlan(trx, caller.tenantId, id, { status: 'locked', locked_at: now, locked_by: caller.actor });
    await auditPlanChange(trx, caller, {
      action: 'plan.lock',
      entity: 'bonus_plan',
      entityId: id,
      before: { status: 'draft' },
      after: { status: 'locked', version: locked.version },
    });
    return toPlan({ ...bundle, plan: locked });
  });
}
