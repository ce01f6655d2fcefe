import { sql } from 'kysely';
import type { Trx } from '../core/db';
import type {
  BonusPlanRow,
  BonusPlanUpdate,
  InputCatalogRow,
  NewBonusPlan,
  PlanConstantRow,
  PlanInputRow,
  PlanPoolRow,
  PlanPoolUpdate,
  PlanStepRow,
  PlanStepUpdate,
} from './tables';
import './tables';

/**
 * Kysely queries on the comp.* plan tables. Every function takes the tenant transaction from
 * withTenant: RLS scopes each query to the caller's tenant, and the explicit tenant_id filters
 * keep the queries correct even for a role that bypasses RLS.
 */

// ---- input catalog ---------------------------------------------------------------------------

export function listCatalog(trx: Trx, tenantId: string): Promise<InputCatalogRow[]> {
  return trx.selectFrom('comp.input_catalog').selectAll().where('tenant_id', '=', tenantId).orderBy('key').execute();
}

export function insertCatalogItem(
  trx: Trx,
  row: { tenant_id: string; key: string; label: string; type: InputCatalogRow['type']; description: string; unit: string | null },
): Promise<InputCatalogRow> {
  return trx.insertInto('comp.input_catalog').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Insert catalog entries that do not exist yet (by key); returns how many were added. */
export async function ensureCatalogItems(
  trx: Trx,
  tenantId: string,
  items: { key: string; label: string; type: InputCatalogRow['type']; description: string; unit: string | null }[],
): Promise<number> {
  if (items.length === 0) return 0;
  const res = await trx
    .insertInto('comp.input_catalog')
    .values(items.map((i) => ({ ...i, tenant_id: tenantId })))
    .onConflict((oc) => oc.columns(['tenant_id', 'key']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0);
}

// ---- plans ---------------------------------------------------------------------------------

export function findPlan(trx: Trx, tenantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<BonusPlanRow | undefined> {
  let q = trx.selectFrom('comp.bonus_plans').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
  if (opts.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function listPlans(
  trx: Trx,
  tenantId: string,
  opts: { offset: number; limit: number; status?: 'draft' | 'locked'; search?: string },
): Promise<{ rows: (BonusPlanRow & { step_count: string })[]; total: number }> {
  let base = trx.selectFrom('comp.bonus_plans as p').where('p.tenant_id', '=', tenantId);
  if (opts.status) base = base.where('p.status', '=', opts.status);
  if (opts.search) base = base.where('p.name', 'ilike', `%${opts.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const rows = await base
    .selectAll('p')
    .select((eb) =>
      eb
        .selectFrom('comp.plan_steps as s')
        .whereRef('s.plan_id', '=', 'p.id')
        .select(sql<string>`count(*)`.as('n'))
        .as('step_count'),
    )
    .orderBy('p.created_at', 'desc')
    .orderBy('p.id', 'desc')
    .offset(opts.offset)
    .limit(opts.limit)
    .execute();
  const { total } = await base.select(sql<string>`count(*)`.as('total')).executeTakeFirstOrThrow();
  return { rows: rows as (BonusPlanRow & { step_count: string })[], total: Number(total) };
}

export function insertPlan(trx: Trx, row: NewBonusPlan): Promise<BonusPlanRow> {
  return trx.insertInto('comp.bonus_plans').values(row).returningAll().executeTakeFirstOrThrow();
}

export function updatePlan(trx: Trx, tenantId: string, id: string, patch: BonusPlanUpdate): Promise<BonusPlanRow> {
  return trx
    .updateTable('comp.bonus_plans')
    .set({ ...patch, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function touchPlan(trx: Trx, tenantId: string, id: string): Promise<unknown> {
  return trx.updateTable('comp.bonus_plans').set({ updated_at: new Date() }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

export function findFamilyDraft(trx: Trx, tenantId: string, familyId: string): Promise<BonusPlanRow | undefined> {
  return trx
    .selectFrom('comp.bonus_plans')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('family_id', '=', familyId)
    .where('status', '=', 'draft')
    .executeTakeFirst();
}

export async function maxFamilyVersion(trx: Trx, tenantId: string, familyId: string): Promise<number> {
  const r = await trx
    .selectFrom('comp.bonus_plans')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('tenant_id', '=', tenantId)
    .where('family_id', '=', familyId)
    .executeTakeFirst();
  return Number(r?.v ?? 0);
}

export function findPlanByName(trx: Trx, tenantId: string, name: string): Promise<BonusPlanRow[]> {
  return trx.selectFrom('comp.bonus_plans').selectAll().where('tenant_id', '=', tenantId).where('name', '=', name).orderBy('version').execute();
}

// ---- inputs / constants ----------------------------------------------------------------------

export function listInputs(trx: Trx, planId: string): Promise<PlanInputRow[]> {
  return trx.selectFrom('comp.plan_inputs').selectAll().where('plan_id', '=', planId).orderBy('position').execute();
}

export function listConstants(trx: Trx, planId: string): Promise<PlanConstantRow[]> {
  return trx.selectFrom('comp.plan_constants').selectAll().where('plan_id', '=', planId).orderBy('position').execute();
}

export async function replaceInputs(trx: Trx, tenantId: string, planId: string, inputs: { name: string; description: string }[]): Promise<void> {
  await trx.deleteFrom('comp.plan_inputs').where('plan_id', '=', planId).execute();
  if (inputs.length === 0) return;
  await trx
    .insertInto('comp.plan_inputs')
    .values(inputs.map((i, position) => ({ tenant_id: tenantId, plan_id: planId, position, name: i.name, description: i.description })))
    .execute();
}

export async function replaceConstants(
  trx: Trx,
  tenantId: string,
  planId: string,
  constants: { name: string; value: string; description: string }[],
): Promise<void> {
  await trx.deleteFrom('comp.plan_constants').where('plan_id', '=', planId).execute();
  if (constants.length === 0) return;
  await trx
    .insertInto('comp.plan_constants')
    .values(
      constants.map((c, position) => ({ tenant_id: tenantId, plan_id: planId, position, name: c.name, value: c.value, description: c.description })),
    )
    .execute();
}

// ---- steps ---------------------------------------------------------------------------------

export function listSteps(trx: Trx, planId: string): Promise<PlanStepRow[]> {
  return trx.selectFrom('comp.plan_steps').selectAll().where('plan_id', '=', planId).orderBy('position').execute();
}

export function findStep(trx: Trx, planId: string, stepId: string): Promise<PlanStepRow | undefined> {
  return trx.selectFrom('comp.plan_steps').selectAll().where('plan_id', '=', planId).where('id', '=', stepId).executeTakeFirst();
}

export interface NewStep {
  key: string;
  output: string;
  expr: string;
  condition_expr: string | null;
  default_value: string;
  description: string;
}

export async function insertSteps(trx: Trx, tenantId: string, planId: string, steps: (NewStep & { position: number })[]): Promise<PlanStepRow[]> {
  if (steps.length === 0) return [];
  return trx
    .insertInto('comp.plan_steps')
    .values(steps.map((s) => ({ ...s, tenant_id: tenantId, plan_id: planId })))
    .returningAll()
    .execute();
}

/** Shift positions >= `from` by `delta` (the position constraint is deferred to commit). */
export async function shiftSteps(trx: Trx, planId: string, from: number, delta: number): Promise<void> {
  await trx
    .updateTable('comp.plan_steps')
    .set((eb) => ({ position: eb('position', '+', delta) }))
    .where('plan_id', '=', planId)
    .where('position', '>=', from)
    .execute();
}

export function updateStep(trx: Trx, planId: string, stepId: string, patch: PlanStepUpdate): Promise<PlanStepRow> {
  return trx
    .updateTable('comp.plan_steps')
    .set({ ...patch, updated_at: new Date() })
    .where('plan_id', '=', planId)
    .where('id', '=', stepId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteStep(trx: Trx, planId: string, stepId: string): Promise<void> {
  await trx.deleteFrom('comp.plan_steps').where('plan_id', '=', planId).where('id', '=', stepId).execute();
}

export async function setStepPositions(trx: Trx, planId: string, stepIds: string[]): Promise<void> {
  // One statement; the unique (plan_id, position) constraint is checked at commit.
  const pairs = stepIds.map((id, i) => sql`(${id}::uuid, ${i}::int)`);
  await sql`
    update comp.plan_steps s set position = v.position, updated_at = now()
    from (values ${sql.join(pairs)}) as v(id, position)
    where s.plan_id = ${planId} and s.id = v.id
  `.execute(trx);
}

// ---- pools ---------------------------------------------------------------------------------

export function listPools(trx: Trx, planId: string): Promise<PlanPoolRow[]> {
  return trx.selectFrom('comp.plan_pools').selectAll().where('plan_id', '=', planId).orderBy('created_at').orderBy('name').execute();
}

export function findPool(trx: Trx, planId: string, poolId: string): Promise<PlanPoolRow | undefined> {
  return trx.selectFrom('comp.plan_pools').selectAll().where('plan_id', '=', planId).where('id', '=', poolId).executeTakeFirst();
}

export interface NewPool {
  name: string;
  amount: string;
  column: string;
  output: string;
  id_column: string;
  description: string;
}

export async function insertPools(trx: Trx, tenantId: string, planId: string, pools: NewPool[]): Promise<PlanPoolRow[]> {
  if (pools.length === 0) return [];
  return trx
    .insertInto('comp.plan_pools')
    .values(pools.map((p) => ({ ...p, tenant_id: tenantId, plan_id: planId })))
    .returningAll()
    .execute();
}

export function updatePool(trx: Trx, planId: string, poolId: string, patch: PlanPoolUpdate): Promise<PlanPoolRow> {
  return trx
    .updateTable('comp.plan_pools')
    .set({ ...patch, updated_at: new Date() })
    .where('plan_id', '=', planId)
    .where('id', '=', poolId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deletePool(trx: Trx, planId: string, poolId: string): Promise<void> {
  await trx.deleteFrom('comp.plan_pools').where('plan_id', '=', planId).where('id', '=', poolId).execute();
}
