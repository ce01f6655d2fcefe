import { referencedNames } from './ast';
import { check } from './checker';
import { compileExpr, type Evaluator } from './compile';
import { canonical, parseInputDecimal, type Decimal } from './decimal';
import { parse } from './parser';
import type { CompiledPlan } from './plan';
import { DslCheckError, DslEvaluationError } from './problems';

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
}

function cell(row: InputRow, name: string): unknown {
  if (row instanceof Map) return row.get(name);
  return Object.hasOwn(row, name) ? (row as Record<string, unknown>)[name] : undefined;
}

function readInput(row: InputRow, name: string): Decimal {
  const v = cell(row, name);
  if (v === undefined || v === null || v === '') throw new DslEvaluationError(`missing input '${name}'`);
  if (typeof v === 'string') {
    const d = v.length <= MAX_INPUT_LENGTH ? parseInputDecimal(v) : undefined;
    if (d === undefined) throw new DslEvaluationError(`input '${name}' is not a decimal: ${JSON.stringify(v.slice(0, 40))}`);
    return d;
  }
  if (typeof v === 'object' && typeof (v as Decimal).isFinite === 'function' && (v as Decimal).isFinite()) return v as Decimal;
  throw new DslEvaluationError(`input '${name}' must be a decimal string`);
}

/** Evaluate one row of a compiled plan. */
export function evaluateRow(plan: CompiledPlan, row: InputRow, options: EvaluateOptions = {}): RowResult {
  const withTape = options.tape !== false;
  const env = plan.envTemplate.slice();
  let inputs: Record<string, string> | undefined;
  try {
    if (withTape) inputs = Object.create(null) as Record<string, string>;
    for (const inp of plan.inputs) {
      const d = readInput(row, inp.name);
      env[inp.slot] = d;
      if (inputs) inputs[inp.name] = canonical(d);
    }
  } catch (err) {
    return { ok: false, error: { step: null, message: (err as Error).message } };
  }
  const outputs = Object.create(null) as Record<string, string>;
  const steps: TapeStep[] | undefined = withTape ? [] : undefined;
  for (const s of plan.steps) {
    let value: Decimal;
    let condition: boolean | null = null;
    try {
      if (s.condition !== null) condition = !s.condition(env).isZero();
      value = condition === false ? s.default : s.expr(env);
    } catch (err) {
      if (err instanceof DslEvaluationError) return { ok: false, error: { step: s.key, message: err.message } };
      throw err;
    }
    env[s.slot] = value;
    const text = canonical(value);
    outputs[s.output] = text;
    steps?.push({ key: s.key, output: s.output, value: text, condition });
  }
  return steps && inputs ? { ok: true, outputs, tape: { inputs, steps } } : { ok: true, outputs };
}

/** Evaluate many rows; a failing row reports its step and message and never stops the others. */
export function evaluateBatch(plan: CompiledPlan, rows: Iterable<InputRow>, options: EvaluateOptions = {}): RowResult[] {
  const out: RowResult[] = [];
  for (const row of rows) out.push(evaluateRow(plan, row, options));
  return out;
}

/** A single compiled expression whose variables are given per call by name. */
export interface CompiledExpression {
  names: string[];
  run: (vars: InputRow) => Decimal;
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
  return { names, run: (vars) => fn(names.map((n) => readInput(vars, n))) };
}

/** Evaluate an expression with variables given as decimal strings; returns the canonical result. */
export function evaluateExpression(source: string, vars: InputRow = {}): string {
  return canonical(compileExpression(source).run(vars));
}
