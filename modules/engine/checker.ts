import { COMPARISON_OPS, type Expr } from './ast';
import { FUNCTIONS, arityText } from './functions';
import { problemAt, type Problem } from './problems';

/** Most digits a literal may have. */
export const MAX_LITERAL_DIGITS = 40;

/**
 * Check an AST against the names in scope; returns every problem (empty when fine).
 * `names` is a Set, so `__proto__`, `constructor`, `toString` are unknown unless declared.
 */
export function check(expr: Expr, source: string, names: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  const visit = (e: Expr): void => {
    switch (e.kind) {
      case 'number': {
        const digits = e.text.length - (e.text.includes('.') ? 1 : 0);
        if (digits > MAX_LITERAL_DIGITS) {
          problems.push(problemAt('literal_out_of_range', `number literal has ${digits} digits; at most ${MAX_LITERAL_DIGITS} are allowed`, source, e.pos));
        }
        return;
      }
      case 'name':
        if (!names.has(e.name)) {
          const hint = FUNCTIONS.has(e.name) ? ` ('${e.name}' is a function: call it as ${FUNCTIONS.get(e.name)?.signature})` : '';
          problems.push(problemAt('unknown_name', `unknown name '${e.name}'${hint}`, source, e.pos));
        }
        return;
      case 'unary':
        visit(e.operand);
        return;
      case 'group':
        visit(e.inner);
        return;
      case 'binary':
        if (COMPARISON_OPS.has(e.op) && e.left.kind === 'binary' && COMPARISON_OPS.has(e.left.op)) {
          problems.push(
            problemAt('chained_comparison', `comparisons cannot be chained; write 'a ${e.left.op} b && b ${e.op} c' or add parentheses`, source, e.opPos),
          );
        }
        visit(e.left);
        visit(e.right);
        return;
      case 'call': {
        const f = FUNCTIONS.get(e.callee);
        if (f === undefined) {
          problems.push(problemAt('unknown_function', `unknown function '${e.callee}'`, source, e.pos));
        } else if (e.args.length < f.minArgs || (f.maxArgs !== null && e.args.length > f.maxArgs)) {
          problems.push(problemAt('wrong_arity', `${f.name} takes ${arityText(f)}, got ${e.args.length}`, source, e.pos));
        }
        e.args.forEach(visit);
        return;
      }
      case 'if':
        visit(e.cond);
        visit(e.then);
        visit(e.else);
        return;
    }
  };
  visit(expr);
  return problems;
}
