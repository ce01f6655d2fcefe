import type { PlanDiff } from '../schema';
import type { PlanStepRow } from '../tables';
import type { Caller, PlansDeps } from './context';
import { getPlanRow, inTenant } from './context';
import * as repo from '../repo';

const snapshot = (s: PlanStepRow) => ({
  output: s.output,
  expr: s.expr,
  conditionExpr: s.condition_expr,
  default: s.default_value,
  position: s.position,
});
const COMPARED = ['output', 'expr', 'conditionExpr', 'default'] as const;

/** GET /bonus-plans/{id}/diff/{otherId}: steps added, removed and changed (by key) from `id` to `otherId`. */
export async function diffPlans(deps: PlansDeps, caller: Caller, id: string, otherId: string): Promise<PlanDiff> {
  return inTenant(deps, caller, async (trx) => {
    const from = await getPlanRow(trx, caller, id);
    const to = await getPlanRow(trx, caller, otherId);
    const before = new Map((await repo.listSteps(trx, from.id)).map((s) => [s.key, s]));
    const after = await repo.listSteps(trx, to.id);
    const diff: PlanDiff = {
      from: { id: from.id, version: from.version, status: from.status },
      to: { id: to.id, version: to.version, status: to.status },
      added: [],
      removed: [],
      changed: [],
      unchanged: 0,
    };
    const seen = new Set<string>();
    for (const s of after) {
      seen.add(s.key);
      const old = before.get(s.key);
      if (!old) {
        diff.added.push({ key: s.key, after: snapshot(s) });
        continue;
      }
      const a = snapshot(old);
      const b = snapshot(s);
      const fields = COMPARED.filter((f) => a[f] !== b[f]);
      if (fields.length) diff.changed.push({ key: s.key, fields: [...fields], before: a, after: b });
      else diff.unchanged += 1;
    }
    for (const [key, s] of before) if (!seen.has(key)) diff.removed.push({ key, before: snapshot(s) });
    return diff;
  });
}
