import { z } from 'zod';
import { referencedNames, type Expr } from './ast';
import { check } from './checker';
import { compileExpr, type Evaluator } from './compile';
import { MAX_ROW_COST, expressionCost } from './cost';
import { PLAIN_DECIMAL } from './decimal';
import { type Num } from './num';
import { parsePlain } from './num-text';
import { CATALOG_VERSION } from './functions';
import { orderSteps } from './graph';
import { KEYWORDS } from './lexer';
import { parse } from './parser';
import { DslCheckError, DslSyntaxError, type Problem } from './problems';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A name usable in expressions: an identifier that is not a keyword. */
export const Identifier = z
  .string()
  .max(64)
  .regex(IDENTIFIER, 'must be a name: a letter or _ followed by letters, digits or _')
  .refine((s) => !KEYWORDS.has(s), 'must not be a keyword (if, then, else)');

/** A plain decimal string: optional minus, digits, optional fraction; no exponent. */
export const DecimalString = z.string().max(60).regex(PLAIN_DECIMAL, 'must be a plain decimal string like "1.25"');

export const PlanInput = z.object({
  name: Identifier,
  type: z.literal('decimal').default('decimal'),
  description: z.string().max(500).optional(),
});
export type PlanInput = z.infer<typeof PlanInput>;

export const PlanConstant = z.object({
  name: Identifier,
  value: DecimalString,
  description: z.string().max(500).optional(),
});
export type PlanConstant = z.infer<typeof PlanConstant>;

export const PlanStep = z.object({
  key: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, 'must be letters, digits, _ . or -'),
  output: Identifier,
  expr: z.string().min(1).max(10_000),
  condition_expr: z.string().min(1).max(10_000).nullish(),
  default: DecimalString.default('0'),
  description: z.string().max(500).optional(),
});
export type PlanStep = z.infer<typeof PlanStep>;

/**
 * Most characters of expressions and conditions in one plan. Checked by the schema before any
 * parsing, so validating a plan stays a bounded amount of work on the gateway's event loop
 * (500 steps of 10,000 characters took seconds to parse).
 */
export const MAX_PLAN_SOURCE = 100_000;

/** A bonus plan as authored: per-row decimal inputs, plan-wide constants and ordered steps. */
export const PlanDefinition = z.object({
  catalog_version: z.literal(CATALOG_VERSION).default(CATALOG_VERSION),
  inputs: z.array(PlanInput).max(500),
  constants: z.array(PlanConstant).max(500).default([]),
  steps: z
    .array(PlanStep)
    .min(1)
    .max(500)
    .refine((steps) => steps.reduce((n, s) => n + s.expr.length + (s.condition_expr?.length ?? 0), 0) <= MAX_PLAN_SOURCE, {
      message: `the plan's expressions and conditions may total at most ${MAX_PLAN_SOURCE} characters`,
    }),
});
export type PlanDefinition = z.infer<typeof PlanDefinition>;
/** What callers may pass (defaults not yet applied). */
export type PlanDefinitionInput = z.input<typeof PlanDefinition>;

export interface CompiledStep {
  key: string;
  output: string;
  slot: number;
  expr: Evaluator;
  condition: Evaluator | null;
  default: Num;
  /** Worst-case cost of the step (expression and condition), in digit-operations. */
  cost: number;
}

/** A checked plan compiled to closures; evaluate with evaluateBatch. */
export interface CompiledPlan {
  definition: PlanDefinition;
  catalogVersion: number;
  /** Inputs the plan actually reads, in declared order, with their env slot. */
  inputs: { name: string; slot: number }[];
  /** Steps in evaluation (topological) order. */
  steps: CompiledStep[];
  /** A fresh env template: constants already in their slots. */
  envTemplate: Num[];
  /** Build one row's outputs object from the steps' texts, given in evaluation order. */
  makeOutputs: (texts: readonly string[]) => Record<string, string>;
  /** Worst-case cost of one row, in digit-operations (see cost.ts). */
  rowCost: number;
}

interface Analysis {
  plan: PlanDefinition;
  problems: Problem[];
  asts: { expr: Expr | null; condition: Expr | null }[];
  order: number[];
  costs: number[];
}

function analyse(raw: unknown): Analysis {
  const parsed = PlanDefinition.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i): Problem => ({ code: 'invalid_plan', message: i.message, field: i.path.map(String).join('.') }));
// Stryker disable next-line ArrayDeclaration: asts and order are never read when the schema has problems
    return { plan: undefined as unknown as PlanDefinition, problems, asts: [], order: [], costs: [] };
  }
  const plan = parsed.data;
  const problems: Problem[] = [];
  const declared = new Map<string, string>(); // name → what declared it
  const declare = (name: string, what: string, field: string, code: Problem['code'], step?: string) => {
    const prev = declared.get(name);
    if (prev !== undefined) {
      problems.push({ code, message: `'${name}' is already declared by ${prev}`, field, ...(step !== undefined ? { step } : {}) });
    } else {
      declared.set(name, what);
    }
  };
  plan.inputs.forEach((inp, i) => declare(inp.name, `input ${i}`, `inputs.${i}.name`, 'duplicate_name'));
  plan.constants.forEach((c, i) => declare(c.name, `constant ${i}`, `constants.${i}.name`, 'duplicate_name'));
  const keys = new Set<string>();
  plan.steps.forEach((s, i) => {
    if (keys.has(s.key)) problems.push({ code: 'duplicate_key', message: `step key '${s.key}' is used twice`, step: s.key, field: `steps.${i}.key` });
    keys.add(s.key);
    declare(s.output, `step ${s.key}`, `steps.${i}.output`, 'duplicate_output', s.key);
  });
  const names = new Set(declared.keys());
  const parseField = (source: string, step: string, field: string): Expr | null => {
    try {
      const ast = parse(source);
      for (const p of check(ast, source, names)) problems.push({ ...p, step, field });
      return ast;
    } catch (err) {
      if (err instanceof DslSyntaxError) {
        problems.push({ ...err.problem, step, field });
        return null;
      }
      throw err;
    }
  };
  const asts = plan.steps.map((s) => ({
    expr: parseField(s.expr, s.key, 'expr'),
    condition: s.condition_expr == null ? null : parseField(s.condition_expr, s.key, 'condition_expr'),
  }));
  const outputIndex = new Map<string, number>();
  plan.steps.forEach((s, i) => {
    if (!outputIndex.has(s.output)) outputIndex.set(s.output, i);
  });
  const deps = asts.map(({ expr, condition }) => {
    const refs = new Set<string>();
    if (expr) referencedNames(expr, refs);
    if (condition) referencedNames(condition, refs);
    return [...refs].flatMap((n) => {
      const j = outputIndex.get(n);
      return j === undefined ? [] : [j];
    });
  });
  const { order, cycles } = orderSteps(deps);
  for (const cycle of cycles) {
    const first = plan.steps[cycle[0] as number] as PlanStep;
// Stryker disable next-line OptionalChaining: cycle members are step indexes, so plan.steps[i] exists
    const path = cycle.map((i) => plan.steps[i]?.output).join(' -> ');
    problems.push({ code: 'cycle', message: `steps depend on each other in a cycle: ${path}`, step: first.key, field: 'expr' });
  }
  // Worst-case cost per row: a plan over the limit is refused here, at the step that crosses it.
  const costs = asts.map(({ expr, condition }) => (expr ? expressionCost(expr) : 0) + (condition ? expressionCost(condition) : 0));
  let total = 0;
  for (const [i, cost] of costs.entries()) {
    total += cost;
    if (total > MAX_ROW_COST) {
      const step = plan.steps[i] as PlanStep;
      problems.push({
        code: 'too_expensive',
        message: `the plan may cost more than ${MAX_ROW_COST} digit-operations per row by this step (this step: ${cost}; a ^ costs 28000, any other operation 28); split the work or use fewer powers`,
        step: step.key,
        field: 'expr',
      });
      break;
    }
  }
  return { plan, problems, asts, order, costs };
}

/** Validate a plan (schema, names, syntax, types of calls, cycles); returns every problem found. */
export function checkPlan(raw: unknown): Problem[] {
  return analyse(raw).problems;
}

/** Check and compile a plan once; throws DslCheckError carrying every problem. */
export function compilePlan(raw: unknown): CompiledPlan {
  const { plan, problems, asts, order, costs } = analyse(raw);
  if (problems.length > 0) throw new DslCheckError(problems);
  const slots = new Map<string, number>();
  plan.inputs.forEach((inp) => slots.set(inp.name, slots.size));
  plan.constants.forEach((c) => slots.set(c.name, slots.size));
  plan.steps.forEach((s) => slots.set(s.output, slots.size));
// Stryker disable next-line ArrayDeclaration: a pre-sized array is only an allocation hint; slots are assigned by index either way
  const envTemplate = new Array<Num>(slots.size);
  plan.constants.forEach((c) => {
    envTemplate[slots.get(c.name) as number] = parsePlain(c.value);
  });
  const used = new Set<string>();
  for (const a of asts) {
    if (a.expr) referencedNames(a.expr, used);
    if (a.condition) referencedNames(a.condition, used);
  }
  const steps = order.map((i): CompiledStep => {
    const s = plan.steps[i] as PlanStep;
    const a = asts[i] as { expr: Expr; condition: Expr | null };
    return {
      key: s.key,
      output: s.output,
      slot: slots.get(s.output) as number,
      expr: compileExpr(a.expr, slots),
      condition: a.condition ? compileExpr(a.condition, slots) : null,
      default: parsePlain(s.default),
      cost: costs[i] as number,
    };
  });
  return {
    definition: plan,
    makeOutputs: outputsFactory(steps.map((st) => st.output)),
    catalogVersion: plan.catalog_version,
    inputs: plan.inputs.filter((i) => used.has(i.name)).map((i) => ({ name: i.name, slot: slots.get(i.name) as number })),
    steps,
    envTemplate,
    rowCost: costs.reduce((a, b) => a + b, 0),
  };
}

/**
 * A function that builds a row's outputs as one object literal with the outputs as its keys, in
 * evaluation order: generated once per plan, so each row is a single allocation of a fixed shape
 * with every field in the object (cloning a template and assigning keys by name per row cost a
 * third of the evaluation time). The names are checked identifiers, written as JSON strings;
 * `__proto__` is written as a computed key, which defines an own property instead of setting
 * the prototype. Where code generation is disabled, a plain loop builds the same object.
 */
function outputsFactory(names: string[]): (texts: readonly string[]) => Record<string, string> {
  const fields = names.map((n, i) => `${n === '__proto__' ? `[${JSON.stringify(n)}]` : JSON.stringify(n)}: t[${i}]`);
  try {
    return new Function('t', `return { ${fields.join(', ')} };`) as (texts: readonly string[]) => Record<string, string>;
  } catch {
    // Stryker disable next-line all: only reached when code generation from strings is disabled
    return (t) => {
      const o: Record<string, string> = {};
      names.forEach((n, i) => Object.defineProperty(o, n, { value: t[i], enumerable: true, writable: true, configurable: true }));
      return o;
    };
  }
}
