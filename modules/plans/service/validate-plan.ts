import { checkPlan } from '../../engine/index';
import { toDefinition, toPlanProblem, type PlanBundle } from '../mappers';
import type { PlanProblem, ValidateResponse } from '../schema';
import type { Caller, PlansDeps } from './context';
import { getPlanRow, inTenant } from './context';
import { loadBundle } from './load-plan';

/** Every problem of a stored plan: the engine's (with positions) and the pools'. */
export function bundleProblems(b: PlanBundle): PlanProblem[] {
  const problems = checkPlan(toDefinition(b)).map(toPlanProblem);
  const outputs = new Set(b.steps.map((s) => s.output));
  const names = new Set([...outputs, ...b.inputs.map((i) => i.name), ...b.constants.map((c) => c.name)]);
  b.pools.forEach((p) => {
    if (!outputs.has(p.column)) {
      problems.push({
        code: 'unknown_pool_column',
        stepKey: null,
        field: `pools.${p.name}.column`,
        line: null,
        column: null,
        message: `pool '${p.name}' scales '${p.column}', which no step outputs`,
        excerpt: null,
      });
    }
    if (names.has(p.output)) {
      problems.push({
        code: 'duplicate_output',
        stepKey: null,
        field: `pools.${p.name}.output`,
        line: null,
        column: null,
        message: `pool '${p.name}' writes '${p.output}', which is already an input, constant or step output`,
        excerpt: null,
      });
    }
  });
  return problems;
}

/** POST /bonus-plans/{id}/validate */
export async function validatePlan(deps: PlansDeps, caller: Caller, id: string): Promise<ValidateResponse> {
  return inTenant(deps, caller, async (trx) => {
    const b = await loadBundle(trx, await getPlanRow(trx, caller, id));
    const problems = bundleProblems(b);
    return { valid: problems.length === 0, problems };
  });
}
