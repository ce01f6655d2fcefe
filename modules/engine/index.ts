/**
 * The calculation engine: a small, safe decimal expression language and bonus plans built
 * from it. Pure (no I/O). Stages: parse → check → compile once → evaluate many rows.
 * Other modules import only from this file.
 */
export type { Expr, Position } from './ast';
export { parse } from './parser';
export { check, MAX_LITERAL_DIGITS } from './checker';
export { Decimal, canonical, parseInputDecimal } from './decimal';
export { PRECISION } from './num';
export { CATALOG_VERSION, FUNCTION_CATALOG, type FunctionDoc } from './functions';
export {
  PlanDefinition,
  PlanInput,
  PlanConstant,
  PlanStep,
  Identifier,
  DecimalString,
  checkPlan,
  compilePlan,
  MAX_PLAN_SOURCE,
  type PlanDefinitionInput,
  type CompiledPlan,
} from './plan';
export {
  evaluateBatch,
  evaluateRow,
  evaluateExpression,
  compileExpression,
  type InputRow,
  type RowResult,
  type Tape,
  type TapeStep,
  type EvaluateOptions,
  type CompiledExpression,
} from './evaluate';
export { allocatePool, type PoolRow, type PoolAllocation } from './pool';
export { DEFAULT_EVALUATION_BUDGET, MAX_ROW_COST, OPERATION_COST, POWER_COST } from './cost';
export { DslSyntaxError, DslCheckError, DslEvaluationError, DslBudgetError, formatProblem, type Problem, type ProblemCode } from './problems';
