import type { Expr } from './ast';
import { PRECISION } from './num';

/**
 * The cost model of an evaluation, in digit-operations (digits × operations): an arithmetic
 * operation, comparison or function call on 28-digit values costs 28; `^` costs as much as a
 * thousand of them (measured: ~20 products at working precision for a whole exponent, ln and
 * exp at 64+ digits otherwise). The static estimate is a worst case: both branches of `if` and
 * both sides of `&&`/`||` count. At run time each step also pays the digits of its result, so
 * values like 10^999999 (a million digits of text) are charged for what they are.
 */
export const OPERATION_COST = PRECISION;
/** Cost of one `^`. */
export const POWER_COST = OPERATION_COST * 1000;
/** Most a plan may cost per row (static estimate), checked when a plan is validated. */
export const MAX_ROW_COST = 5_000_000;
/** Default budget of one evaluation (all rows): about a second or two of one core. */
export const DEFAULT_EVALUATION_BUDGET = 500_000_000;

/** Worst-case cost of evaluating an expression once. */
export function expressionCost(e: Expr): number {
  switch (e.kind) {
    case 'number':
    case 'name':
      return 0;
    case 'group':
      return expressionCost(e.inner);
    case 'unary':
      return OPERATION_COST + expressionCost(e.operand);
    case 'binary':
      return (e.op === '^' ? POWER_COST : OPERATION_COST) + expressionCost(e.left) + expressionCost(e.right);
    case 'call':
      return OPERATION_COST * Math.max(1, e.args.length) + e.args.reduce((sum, a) => sum + expressionCost(a), 0);
    case 'if':
      return OPERATION_COST + expressionCost(e.cond) + expressionCost(e.then) + expressionCost(e.else);
  }
}
