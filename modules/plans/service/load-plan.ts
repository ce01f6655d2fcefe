import type { Trx } from '../../core/db';
import type { PlanBundle } from '../mappers';
import * as repo from '../repo';
import type { BonusPlanRow } from '../tables';

/** Load a plan's inputs, constants, steps and pools (the plan row already checked for tenancy). */
export async function loadBundle(trx: Trx, plan: BonusPlanRow): Promise<PlanBundle> {
  const [inputs, constants, steps, pools] = await Promise.all([
    repo.listInputs(trx, plan.id),
    repo.listConstants(trx, plan.id),
    repo.listSteps(trx, plan.id),
    repo.listPools(trx, plan.id),
  ]);
  return { plan, inputs, constants, steps, pools };
}
