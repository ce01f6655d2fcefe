import { DEFAULT_EVALUATION_BUDGET } from '../../engine/index';
import { PlanErrors } from '../errors';
import { computeEvaluation } from './compute-evaluation';
import type { EvaluationOutcome, EvaluationTask } from './evaluation-types';
import type { EvaluateBody, EvaluateResponse } from '../schema';
import type { Caller, PlansDeps } from './context';
import { getPlanRow, inTenant } from './context';
import { loadBundle } from './load-plan';

/**
 * POST /bonus-plans/{id}/evaluate: run test vectors through the plan and return each row's
 * explainability tape (or its failing step). Pools are applied over the rows that succeeded.
 * Read-only: nothing is stored. Checking and evaluating run in the evaluator (the gateway's
 * worker pool, with a deadline), within the evaluation's cost budget.
 */
export async function evaluatePlan(deps: PlansDeps, caller: Caller, id: string, body: EvaluateBody): Promise<EvaluateResponse> {
  const bundle = await inTenant(deps, caller, async (trx) => loadBundle(trx, await getPlanRow(trx, caller, id)));
  const task: EvaluationTask = { bundle, rows: body.rows, budget: deps.evaluationBudget ?? DEFAULT_EVALUATION_BUDGET };
  const outcome: EvaluationOutcome = deps.evaluator ? await deps.evaluator.evaluate(task) : computeEvaluation(task);
  switch (outcome.kind) {
    case 'done':
      return outcome.response;
    case 'invalid':
      throw PlanErrors.invalid(id, outcome.problems, 'evaluated');
    case 'over-budget':
      throw PlanErrors.overBudget(body.rows.length, outcome.rowCost, outcome.budget);
    case 'stopped':
      throw PlanErrors.budgetSpent(outcome.message, outcome.row, outcome.step, outcome.budget);
  }
}
