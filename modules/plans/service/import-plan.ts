import { CATALOG_VERSION } from '../../engine/index';
import { auditPlanChange } from '../audit';
import { PlanErrors } from '../errors';
import { toPlan } from '../mappers';
import * as repo from '../repo';
import type { ImportPlanBody, Plan } from '../schema';
import type { Caller, PlansDeps } from './context';
import { assertUniqueNames, insertFamilyDraft, inTenant } from './context';
import { loadBundle } from './load-plan';
import { bundleProblems } from './validate-plan';

/**
 * POST /tenants/{tid}/bonus-plans/import: create a plan (new family, version 1) from a plan
 * definition in the engine's format, with its pools; optionally lock it in the same transaction
 * (it must validate, or nothing is stored).
 */
export async function importPlan(deps: PlansDeps, caller: Caller, body: ImportPlanBody): Promise<Plan> {
  assertUniqueNames(body.inputs, 'body.inputs');
  assertUniqueNames(body.constants, 'body.constants');
  assertUniqueNames(body.pools, 'body.pools');
  return inTenant(deps, caller, async (trx) => {
    const plan = await insertFamilyDraft(trx, caller, {
      name: body.name,
      description: body.description,
      catalogVersion: body.catalog_version ?? CATALOG_VERSION,
      inputs: body.inputs.map((i) => ({ name: i.name, description: i.description ?? '' })),
      constants: body.constants.map((c) => ({ name: c.name, value: c.value, description: c.description ?? '' })),
    });
    await repo.insertSteps(
      trx,
      caller.tenantId,
      plan.id,
      body.steps.map((s, position) => ({
        key: s.key,
        output: s.output,
        expr: s.expr,
        condition_expr: s.condition_expr ?? null,
        default_value: s.default,
        description: s.description ?? '',
        position,
      })),
    );
    await repo.insertPools(
      trx,
      caller.tenantId,
      plan.id,
      body.pools.map((p) => ({ name: p.name, amount: p.amount, column: p.column, output: p.output, id_column: p.idColumn, description: p.description })),
    );
    let bundle = await loadBundle(trx, plan);
    if (body.lock) {
      const problems = bundleProblems(bundle);
      if (problems.length > 0) throw PlanErrors.invalid(plan.id, problems);
      const locked = await repo.updatePlan(trx, caller.tenantId, plan.id, {
        status: 'locked',
        locked_at: deps.clock?.() ?? new Date(),
        locked_by: caller.actor,
      });
      bundle = { ...bundle, plan: locked };
    }
    const created = toPlan(bundle);
    await auditPlanChange(trx, caller, { action: 'plan.import', entity: 'bonus_plan', entityId: plan.id, after: created });
    return created;
  });
}
