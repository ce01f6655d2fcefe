import { DslBudgetError, DslCheckError, allocatePool, compilePlan, evaluateBatch } from '../../engine/index';
import { canonicalNumeric, toDefinition, toPlanProblem } from '../mappers';
import type { EvaluateRowResult } from '../schema';
import type { EvaluationOutcome, EvaluationTask } from './evaluation-types';
import { bundleProblems } from './validate-plan';
import { compareDecimals, sumDecimals } from '../../core/decimal';

/**
 * Check, compile and evaluate test vectors with the plan's pools applied over the rows that
 * succeeded. Pure and synchronous: the gateway runs it in an evaluation worker, never on its
 * event loop. Refuses up front when rows × the plan's worst-case row cost exceeds the budget.
 */
export function computeEvaluation({ bundle, rows, budget }: EvaluationTask): EvaluationOutcome {
  const problems = bundleProblems(bundle);
  if (problems.length > 0) return { kind: 'invalid', problems };
  let compiled;
  try {
    compiled = compilePlan(toDefinition(bundle));
  } catch (err) {
    if (err instanceof DslCheckError) return { kind: 'invalid', problems: err.problems.map(toPlanProblem) };
    throw err;
  }
  if (compiled.rowCost * rows.length > budget) return { kind: 'over-budget', rowCost: compiled.rowCost, budget };
  let raw;
  try {
    raw = evaluateBatch(compiled, rows, { budget });
  } catch (err) {
    if (err instanceof DslBudgetError) return { kind: 'stopped', message: err.message, row: err.row, step: err.step, budget };
    throw err;
  }
  const results: EvaluateRowResult[] = raw.map((r, row) =>
    r.ok
      ? {
          row,
          ok: true,
          inputs: { ...(r.tape?.inputs ?? {}) },
          outputs: { ...r.outputs },
          tape: (r.tape?.steps ?? []).map((s) => ({ step: s.key, output: s.output, value: s.value, condition: s.condition })),
        }
      : { row, ok: false, error: r.error },
  );
  const pools = bundle.pools.map((p) => {
    const members = results.flatMap((r) => (r.ok ? [r] : []));
    const allocation = allocatePool(
      members.map((r) => ({ id: rows[r.row]?.[p.id_column] ?? String(r.row), amount: r.outputs[p.column] ?? '0' })),
      p.amount,
    );
    members.forEach((r, i) => {
      r.outputs[p.output] = allocation[i]?.amount ?? '0';
    });
    const sum = sumDecimals(members.map((r) => r.outputs[p.column] ?? '0'));
    const amount = canonicalNumeric(p.amount);
    return {
      name: p.name,
      amount,
      column: p.column,
      output: p.output,
      total: sum,
      allocated: sumDecimals(allocation.map((a) => a.amount)),
      applied: compareDecimals(sum, amount) > 0,
    };
  });
  const response = { planId: bundle.plan.id, catalogVersion: compiled.catalogVersion, rows: results.length, failed: results.filter((r) => !r.ok).length, results, pools };
  return { kind: 'done', response };
}
