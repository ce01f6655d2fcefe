import { CATALOG_VERSION } from '../../engine/index';
import { listPage, type Page } from '../../core/pagination';
import { auditPlanChange } from '../audit';
import { toPlan, toPlanSummary } from '../mappers';
import * as repo from '../repo';
import type { CreatePlanBody, PatchPlanBody, Plan, PlanListQuery, PlanSummary } from '../schema';
import type { Caller, PlansDeps } from './context';
import { assertUniqueNames, getDraftForUpdate, getPlanRow, insertFamilyDraft, inTenant } from './context';
import { loadBundle } from './load-plan';

/** GET /tenants/{tid}/bonus-plans: newest first, paginated. */
export async function listPlans(deps: PlansDeps, caller: Caller, q: PlanListQuery): Promise<Page<PlanSummary>> {
  return listPage(
    q,
    (offset, limit) =>
      inTenant(deps, caller, (trx) => repo.listPlans(trx, caller.tenantId, { offset, limit, status: q.status, search: q.search })),
    toPlanSummary,
  );
}

/** GET /bonus-plans/{id} */
export async function getPlan(deps: PlansDeps, caller: Caller, id: string): Promise<Plan> {
  return inTenant(deps, caller, async (trx) => toPlan(await loadBundle(trx, await getPlanRow(trx, caller, id))));
}

/** POST /tenants/{tid}/bonus-plans: a new plan family, version 1, draft. */
export async function createPlan(deps: PlansDeps, caller: Caller, body: CreatePlanBody): Promise<Plan> {
  assertUniqueNames(body.inputs, 'body.inputs');
  assertUniqueNames(body.constants, 'body.constants');
  return inTenant(deps, caller, async (trx) => {
    const { name, description, inputs, constants } = body;
    const plan = await insertFamilyDraft(trx, caller, { name, description, inputs, constants, catalogVersion: CATALOG_VERSION });
    const created = toPlan(await loadBundle(trx, plan));
    await auditPlanChange(trx, caller, { action: 'plan.create', entity: 'bonus_plan', entityId: plan.id, after: created });
    return created;
  });
}

/** PATCH /bonus-plans/{id}: only while draft. */
export async function patchPlan(deps: PlansDeps, caller: Caller, id: string, body: PatchPlanBody): Promise<Plan> {
  assertUniqueNames(body.inputs, 'body.inputs');
  assertUniqueNames(body.constants, 'body.constants');
  return inTenant(deps, caller, async (trx) => {
    const plan = await getDraftForUpdate(trx, caller, id);
    const before = toPlan(await loadBundle(trx, plan));
    if (body.inputs) await repo.replaceInputs(trx, caller.tenantId, id, body.inputs);
    if (body.constants) await repo.replaceConstants(trx, caller.tenantId, id, body.constants);
    const updated = await repo.updatePlan(trx, caller.tenantId, id, {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
    });
    const after = toPlan(await loadBundle(trx, updated));
    await auditPlanChange(trx, caller, {
      action: 'plan.update',
      entity: 'bonus_plan',
      entityId: id,
      before: pick(before, body),
      after: pick(after, body),
    });
    return after;
  });
}

function pick(plan: Plan, body: PatchPlanBody): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(body) as (keyof PatchPlanBody)[]) out[k] = plan[k];
  return out;
}
