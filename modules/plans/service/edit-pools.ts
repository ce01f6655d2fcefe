import { auditPlanChange } from '../audit';
import { PlanErrors } from '../errors';
import { toPool } from '../mappers';
import * as repo from '../repo';
import type { CreatePoolBody, PatchPoolBody, Pool } from '../schema';
import type { PlanPoolUpdate } from '../tables';
import type { Caller, PlansDeps } from './context';
import { getDraftForUpdate, getPlanRow, inTenant } from './context';

/** GET /bonus-plans/{id}/pools */
export async function listPools(deps: PlansDeps, caller: Caller, id: string): Promise<{ data: Pool[] }> {
  return inTenant(deps, caller, async (trx) => {
    const plan = await getPlanRow(trx, caller, id);
    return { data: (await repo.listPools(trx, plan.id)).map(toPool) };
  });
}

/** POST /bonus-plans/{id}/pools */
export async function createPool(deps: PlansDeps, caller: Caller, id: string, body: CreatePoolBody): Promise<Pool> {
  return inTenant(deps, caller, async (trx) => {
    await getDraftForUpdate(trx, caller, id);
    const [row] = await repo.insertPools(trx, caller.tenantId, id, [
      { name: body.name, amount: body.amount, column: body.column, output: body.output, id_column: body.idColumn, description: body.description },
    ]);
    const pool = toPool(row!);
    await repo.touchPlan(trx, caller.tenantId, id);
    await auditPlanChange(trx, caller, { action: 'plan.pool.create', entity: 'plan_pool', entityId: pool.id, after: { planId: id, ...pool } });
    return pool;
  });
}

/** PATCH /bonus-plans/{id}/pools/{poolId} */
export async function patchPool(deps: PlansDeps, caller: Caller, id: string, poolId: string, body: PatchPoolBody): Promise<Pool> {
  return inTenant(deps, caller, async (trx) => {
    await getDraftForUpdate(trx, caller, id);
    const old = await repo.findPool(trx, id, poolId);
    if (!old) throw PlanErrors.poolNotFound(poolId);
    const patch: PlanPoolUpdate = {};
    if (body.name !== undefined) patch.name = body.name;
    if (body.amount !== undefined) patch.amount = body.amount;
    if (body.column !== undefined) patch.column = body.column;
    if (body.output !== undefined) patch.output = body.output;
    if (body.idColumn !== undefined) patch.id_column = body.idColumn;
    if (body.description !== undefined) patch.description = body.description;
    const pool = toPool(await repo.updatePool(trx, id, poolId, patch));
    await repo.touchPlan(trx, caller.tenantId, id);
    await auditPlanChange(trx, caller, {
      action: 'plan.pool.update',
      entity: 'plan_pool',
      entityId: poolId,
      before: { planId: id, ...toPool(old) },
      after: { planId: id, ...pool },
    });
    return pool;
  });
}

/** DELETE /bonus-plans/{id}/pools/{poolId} */
export async function deletePool(deps: PlansDeps, caller: Caller, id: string, poolId: string): Promise<void> {
  await inTenant(deps, caller, async (trx) => {
    await getDraftForUpdate(trx, caller, id);
    const old = await repo.findPool(trx, id, poolId);
    if (!old) throw PlanErrors.poolNotFound(poolId);
    await repo.deletePool(trx, id, poolId);
    await repo.touchPlan(trx, caller.tenantId, id);
    await auditPlanChange(trx, caller, { action: 'plan.pool.delete', entity: 'plan_pool', entityId: poolId, before: { planId: id, ...toPool(old) } });
  });
}
