import type { Position } from './ast';

/** Stable problem codes reported by the parser, checker and plan validator. */
export type ProblemCode =
  | 'syntax'
  | 'unknown_name'
  | 'unknown_function'
  | 'wrong_arity'
  | 'chained_comparison'
  | 'literal_out_of_range'
  | 'invalid_plan'
  | 'duplicate_output'
  | 'duplicate_name'
  | 'duplicate_key'
  | 'cycle'
  | 'too_expensive';

/** One problem with an expression or a plan; positions are inside the expression text. */
export interface Problem {
  code: ProblemCode;
  message: string;
  line?: number;
  column?: number;
  offset?: number;
  /** Step key, when the problem is inside a step. */
  step?: string;
  /** Which field of the step or plan: 'expr', 'condition_expr', 'inputs.0.name', ... */
  field?: string;
  /** The source line with a caret under the column. */
  excerpt?: string;
}

/** Two-line excerpt: the source line and a caret under the column. */
export function caretExcerpt(source: string, pos: Position): string {
  const lines = source.split('\n');
  const line = lines[pos.line - 1] ?? '';
  return `${line}\n${' '.repeat(Math.max(0, pos.column - 1))}^`;
}

export function problemAt(code: ProblemCode, message: string, source: string, pos: Position): Problem {
  return { code, message, line: pos.line, column: pos.column, offset: pos.offset, excerpt: caretExcerpt(source, pos) };
}

/** Format a problem for a terminal or an error message: "line 1, column 5: message" + excerpt. */
export function formatProblem(p: Problem): string {
  const where = [p.step !== undefined ? `step ${p.step}` : '', p.field ?? '', p.line !== undefined ? `line ${p.line}, column ${p.column}` : '']
    .filter((s) => s !== '')
    .join(', ');
  const head = where === '' ? p.message : `${where}: ${p.message}`;
  return p.excerpt === undefined ? head : `${head}\n${p.excerpt}`;
}

/** Thrown by `parse` on the first syntax error. */
export class DslSyntaxError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(formatProblem(problem));
    this.name = 'DslSyntaxError';
    this.problem = problem;
  }
}

/** Thrown by `compilePlan`/`compileExpression` when the input has problems; carries all of them. */
export class DslCheckError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'DslCheckError';
    this.problems = problems;
  }
}

/** Thrown while evaluating (division by zero, pct_change(x, 0), overflow...). */
export class DslEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DslEvaluationError';
  }
}

/**
 * Thrown by evaluateBatch when an evaluation spends more than its cost budget (see cost.ts):
 * the whole evaluation stops, not just the row.
 */
export class DslBudgetError extends Error {
  constructor(
    readonly budget: number,
    readonly row: number,
    readonly step: string,
  ) {
    super(`evaluation stopped at row ${row}, step ${step}: it exceeded its cost budget of ${budget} digit-operations`);
    this.name = 'DslBudgetError';
  }
}
