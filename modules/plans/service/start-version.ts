import { auditPlanChange } from '../audit';
import { PlanErrors } from '../errors';
import { toPlan } from '../mappers';
import * as repo from '../repo';
import type { Plan } from '../schema';
import type { Caller, PlansDeps } from './context';
import { getPlanRow, inTenant } from './context';
import { loadBundle } from './load-plan';

/**
 * POST /bonus-plans/{id}/versions: a new draft (version = family's highest + 1, parent = this
 * plan) with copies of its inputs, constants, steps and pools. Only from a locked plan, and only
 * one draft per plan family at a time.
 */
export async function startVersion(deps: PlansDeps, caller: Caller, id: string): Promise<Plan> {
  return inTenant(deps, caller, async (trx) => {
    const source = await getPlanRow(trx, caller, id, { forUpdate: true });
    if (source.status !== 'locked') throw PlanErrors.notLocked(id);
    const draft = await repo.findFamilyDraft(trx, caller.tenantId, source.family_id);
    if (draft) throw PlanErrors.newerDraftExists(id, draft.id);
    const b = await loadBundle(trx, source);
    const version = (await repo.maxFamilyVersion(trx, caller.tenantId, source.family_id)) + 1;
    const plan = await repo.insertPlan(trx, {
      tenant_id: caller.tenantId,
      family_id: source.family_id,
      parent_id: source.id,
      name: source.name,
      description: source.description,
      version,
      status: 'draft',
      catalog_version: source.catalog_version,
      created_by: caller.actor,
    });
    await repo.replaceInputs(trx, caller.tenantId, plan.id, b.inputs);
    await repo.replaceConstants(trx, caller.tenantId, plan.id, b.constants);
    await repo.insertSteps(
      trx,
      caller.tenantId,
      plan.id,
      b.steps.map((s) => ({
        key: s.key,
        output: s.output,
        expr: s.expr,
        condition_expr: s.condition_expr,
        default_value: s.default_value,
        description: s.description,
        position: s.position,
      })),
    );
    await repo.insertPools(
      trx,
      caller.tenantId,
      plan.id,
      b.pools.map((p) => ({ name: p.name, amount: p.amount, column: p.column, output: p.output, id_column: p.id_column, description: p.description })),
    );
    const created = toPlan(await loadBundle(trx, plan));
    await auditPlanChange(trx, caller, {
      action: 'plan.version',
      entity: 'bonus_plan',
      entityId: plan.id,
      after: { parentId: source.id, version, familyId: source.family_id },
    });
    return created;
  });
}
