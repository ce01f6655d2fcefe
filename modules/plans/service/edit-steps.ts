import { badRequest } from '../../core/errors';
import { auditPlanChange } from '../audit';
import { PlanErrors } from '../errors';
import { toStep } from '../mappers';
import * as repo from '../repo';
import type { CreateStepBody, PatchStepBody, ReorderStepsBody, Step } from '../schema';
import type { PlanStepUpdate } from '../tables';
import type { Caller, PlansDeps } from './context';
import { getDraftForUpdate, getPlanRow, inTenant } from './context';

/** GET /bonus-plans/{id}/steps (authored order). */
export async function listSteps(deps: PlansDeps, caller: Caller, id: string): Promise<{ data: Step[] }> {
  return inTenant(deps, caller, async (trx) => {
    const plan = await getPlanRow(trx, caller, id);
    return { data: (await repo.listSteps(trx, plan.id)).map(toStep) };
  });
}

/** POST /bonus-plans/{id}/steps: appended, or inserted at `position` (later steps shift down). */
export async function createStep(deps: PlansDeps, caller: Caller, id: string, body: CreateStepBody): Promise<Step> {
  return inTenant(deps, caller, async (trx) => {
    await getDraftForUpdate(trx, caller, id);
    const count = (await repo.listSteps(trx, id)).length;
    const position = body.position === undefined ? count : Math.min(body.position, count);
    if (position < count) await repo.shiftSteps(trx, id, position, 1);
    const [row] = await repo.insertSteps(trx, caller.tenantId, id, [
      {
        key: body.key,
        output: body.output ?? body.key,
        expr: body.expr,
        condition_expr: body.conditionExpr ?? null,
        default_value: body.default,
        description: body.description,
        position,
      },
    ]);
    const step = toStep(row!);
    await repo.touchPlan(trx, caller.tenantId, id);
    await auditPlanChange(trx, caller, { action: 'plan.step.create', entity: 'plan_step', entityId: step.id, after: { planId: id, ...step } });
    return step;
  });
}

/** PATCH /bonus-plans/{id}/steps/{stepId} */
export async function patchStep(deps: PlansDeps, caller: Caller, id: string, stepId: string, body: PatchStepBody): Promise<Step> {
  return inTenant(deps, caller, async (trx) => {
    await getDraftForUpdate(trx, caller, id);
    const old = await repo.findStep(trx, id, stepId);
    if (!old) throw PlanErrors.stepNotFound(stepId);
    const patch: PlanStepUpdate = {};
    if (body.key !== undefined) patch.key = body.key;
    if (body.output !== undefined) patch.output = body.output;
    if (body.expr !== undefined) patch.expr = body.expr;
    if (body.conditionExpr !== undefined) patch.condition_expr = body.conditionExpr;
    if (body.default !== undefined) patch.default_value = body.default;
    if (body.description !== undefined) patch.description = body.description;
    const step = toStep(await repo.updateStep(trx, id, stepId, patch));
    await repo.touchPlan(trx, caller.tenantId, id);
    await auditPlanChange(trx, caller, {
      action: 'plan.step.update',
      entity: 'plan_step',
      entityId: stepId,
      before: { planId: id, ...toStep(old) },
      after: { planId: id, ...step },
    });
    return step;
  });
}

/** DELETE /bonus-plans/{id}/steps/{stepId}: later steps move up. */
export async function deleteStep(deps: PlansDeps, caller: Caller, id: string, stepId: string): Promise<void> {
  await inTenant(deps, caller, async (trx) => {
    await getDraftForUpdate(trx, caller, id);
    const old = await repo.findStep(trx, id, stepId);
    if (!old) throw PlanErrors.stepNotFound(stepId);
    await repo.deleteStep(trx, id, stepId);
    await repo.shiftSteps(trx, id, old.position + 1, -1);
    await repo.touchPlan(trx, caller.tenantId, id);
    await auditPlanChange(trx, caller, { action: 'plan.step.delete', entity: 'plan_step', entityId: stepId, before: { planId: id, ...toStep(old) } });
  });
}

/** POST /bonus-plans/{id}/steps/reorder: `stepIds` must list every step exactly once. */
export async function reorderSteps(deps: PlansDeps, caller: Caller, id: string, body: ReorderStepsBody): Promise<{ data: Step[] }> {
  return inTenant(deps, caller, async (trx) => {
    await getDraftForUpdate(trx, caller, id);
    const steps = await repo.listSteps(trx, id);
    const known = new Set(steps.map((s) => s.id));
    const seen = new Set<string>();
    const errors = body.stepIds.flatMap((sid, i) => {
      const problem = !known.has(sid) ? 'is not a step of this plan' : seen.has(sid) ? 'is listed twice' : null;
      seen.add(sid);
      return problem ? [{ path: `body.stepIds[${i}]`, message: problem }] : [];
    });
    for (const s of steps) if (!seen.has(s.id)) errors.push({ path: 'body.stepIds', message: `step ${s.id} (${s.key}) is missing` });
    if (errors.length) throw badRequest('stepIds must list every step of the plan exactly once', errors, 'FIG_VALIDATION');
    await repo.setStepPositions(trx, id, body.stepIds);
    await repo.touchPlan(trx, caller.tenantId, id);
    const after = await repo.listSteps(trx, id);
    await auditPlanChange(trx, caller, {
      action: 'plan.steps.reorder',
      entity: 'bonus_plan',
      entityId: id,
      before: { order: steps.map((s) => s.key) },
      after: { order: after.map((s) => s.key) },
    });
    return { data: after.map(toStep) };
  });
}
