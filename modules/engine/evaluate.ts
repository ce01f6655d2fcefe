import { referencedNames } from './ast';
import { check } from './checker';
import { compileExpr, type Evaluator } from './compile';
import type { Decimal } from './decimal';
import { isZero, type Num } from './num';
import { parseInput, toCanonical } from './num-text';
import { parse } from './parser';
import type { CompiledPlan } from './plan';
import { DslBudgetError, DslCheckError, DslEvaluationError } from './problems';

/** One input row: cell values as decimal strings (or Decimals), keyed by input name. */
export type InputRow = Readonly<Record<string, string | Decimal | null | undefined>> | ReadonlyMap<string, string | Decimal>;

/** Longest input cell accepted, in characters. */
export const MAX_INPUT_LENGTH = 200;

export interface TapeStep {
  key: string;
  output: string;
  value: string;
  /** true/false when the step has a condition (false: the default was used), null when it has none. */
  condition: boolean | null;
}
export interface Tape {
  inputs: Record<string, string>;
  steps: TapeStep[];
}
export type RowResult =
  | { ok: true; outputs: Record<string, string>; tape?: Tape }
  | { ok: false; error: { step: string | null; message: string } };

export interface EvaluateOptions {
  /** Include the explainability tape (default true). */
  tape?: boolean;
  /**
   * Cost budget of the whole batch in digit-operations (see cost.ts; default: none). Each step
   * charges its static cost plus the digits of its result; past the budget evaluateBatch throws
   * DslBudgetError.
   */
  budget?: number;
}

/** Cost spent so far by one evaluation, and its limit. */
class Meter {
  used = 0;
  row = 0;
  constructor(readonly budget: number) {}
}

function cell(row: InputRow, name: string): unknown {
  return row instanceof Map ? row.get(name) : ownCell(row as Record<string, unknown>, name);
}

/** Set an own data property; `__proto__` (a legal name) must not reach the prototype setter. */
function setOwn(obj: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

const ownCell = (row: Record<string, unknown>, name: string): unknown => (Object.hasOwn(row, name) ? row[name] : undefined);

function readInput(row: InputRow, name: string): Num {
  return readCell(cell(row, name), name);
}

function readCell(v: unknown, name: string): Num {
  if (v === undefined || v === null || v === '') throw new DslEvaluationError(`missing input '${name}'`);
  const text = typeof v === 'string' ? v : typeof v === 'object' && typeof (v as Decimal).toFixed === 'function' && (v as Decimal).isFinite() ? (v as Decimal).toFixed() : undefined;
  if (text === undefined) throw new DslEvaluationError(`input '${name}' must be a decimal string`);
  const d = text.length <= MAX_INPUT_LENGTH ? parseInput(text) : undefined;
  if (d === undefined) throw new DslEvaluationError(`input '${name}' is not a decimal: ${JSON.stringify(text.slice(0, 40))}`);
  return d;
}

/** Evaluate one row of a compiled plan. */
export function evaluateRow(plan: CompiledPlan, row: InputRow, options: EvaluateOptions = {}): RowResult {
// Stryker disable next-line MethodExpression: every input and output slot is written before it is read and constants are never written, so sharing the template gives the same results
  return evaluateInto(plan, plan.envTemplate.slice(), new Array<string>(plan.steps.length), row, options.tape !== false, options.budget === undefined ? null : new Meter(options.budget));
}

/**
 * Evaluate one row in `env` (constants in place; every input and output slot is written
 * before it is read, in topological order, so one env and one `texts` can be reused across rows).
 */
function evaluateInto(plan: CompiledPlan, env: Num[], texts: string[], row: InputRow, withTape: boolean, meter: Meter | null): RowResult {
  let inputs: Record<string, string> | undefined;
  try {
    if (withTape) inputs = {};
    const isMap = row instanceof Map;
    for (const inp of plan.inputs) {
      const d = readCell(isMap ? (row as ReadonlyMap<string, unknown>).get(inp.name) : ownCell(row as Record<string, unknown>, inp.name), inp.name);
      env[inp.slot] = d;
      if (inputs) setOwn(inputs, inp.name, toCanonical(d));
    }
  } catch (err) {
    return { ok: false, error: { step: null, message: (err as Error).message } };
  }
  const steps: TapeStep[] | undefined = withTape ? [] : undefined;
  let k = 0;
  for (const s of plan.steps) {
    let value: Num;
    let condition: boolean | null = null;
    try {
      if (s.condition !== null) condition = !isZero(s.condition(env));
      value = condition === false ? s.default : s.expr(env);
    } catch (err) {
      if (err instanceof DslEvaluationError) return { ok: false, error: { step: s.key, message: err.message } };
      throw err;
    }
    env[s.slot] = value;
    const text = toCanonical(value);
    if (meter !== null && (meter.used += s.cost + text.length) > meter.budget) throw new DslBudgetError(meter.budget, meter.row, s.key);
    texts[k++] = text;
    steps?.push({ key: s.key, output: s.output, value: text, condition });
  }
// Stryker disable next-line LogicalOperator: steps and inputs are both set or both undefined
  const outputs = plan.makeOutputs(texts);
  return steps && inputs ? { ok: true, outputs, tape: { inputs, steps } } : { ok: true, outputs };
}

/** Evaluate many rows; a failing row reports its step and message and never stops the others. */
export function evaluateBatch(plan: CompiledPlan, rows: Iterable<InputRow>, options: EvaluateOptions = {}): RowResult[] {
  const out: RowResult[] = [];
// Stryker disable next-line MethodExpression: every input and output slot is written before it is read and constants are never written, so sharing the template gives the same results
  const env = plan.envTemplate.slice();
  // Each row's output texts, in step order: reused, read by makeOutputs into the row's object.
  const texts = new Array<string>(plan.steps.length);
  const withTape = options.tape !== false;
  const meter = options.budget === undefined ? null : new Meter(options.budget);
  for (const row of rows) {
    out.push(evaluateInto(plan, env, texts, row, withTape, meter));
    if (meter !== null) meter.row++;
  }
  return out;
}

/** A single compiled expression whose variables are given per call by name. */
export interface CompiledExpression {
  names: string[];
  /** Evaluate with the given variables; returns the canonical string; throws DslEvaluationError. */
  run: (vars: InputRow) => string;
}

/**
 * Compile a standalone expression whose free names are its variables (used by the CLI and
 * tests). Throws DslSyntaxError or DslCheckError (unknown functions, arity, chained comparisons).
 */
export function compileExpression(source: string): CompiledExpression {
  const ast = parse(source);
  // Every free name is a variable here; the checker still reports everything else.
  const names = [...referencedNames(ast)];
  const problems = check(ast, source, new Set(names));
  if (problems.length > 0) throw new DslCheckError(problems);
  const fn: Evaluator = compileExpr(ast, new Map(names.map((n, i) => [n, i])));
  return { names, run: (vars) => toCanonical(fn(names.map((n) => readInput(vars, n)))) };
}

/** Evaluate an expression with variables given as decimal strings; returns the canonical result. */
export function evaluateExpression(source: string, vars: InputRow = {}): string {
  return compileExpression(source).run(vars);
}
