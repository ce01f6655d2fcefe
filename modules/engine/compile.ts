import type { Expr } from './ast';
import { FUNCTIONS } from './functions';
import { ONE, ZERO, add, cmp, div, isZero, mod, mul, neg, pos, sub, type Num } from './num';
import { parsePlain } from './num-text';
import { power } from './num-power';
import { DslEvaluationError } from './problems';

/** A compiled expression: reads its variables from slots of `env`. */
export type Evaluator = (env: Num[]) => Num;

const truth = (b: boolean): Num => (b ? ONE : ZERO);

/**
 * Turn a checked AST into nested closures once, so evaluating a row does no AST walking,
 * no name lookups and no parsing. `slots` maps each name to its index in `env`.
 */
export function compileExpr(e: Expr, slots: ReadonlyMap<string, number>): Evaluator {
  switch (e.kind) {
    case 'number': {
      const v = parsePlain(e.text);
      return () => v;
    }
    case 'name': {
      const i = slots.get(e.name);
      if (i === undefined) throw new DslEvaluationError(`unknown name '${e.name}'`);
      return (env) => env[i] as Num;
    }
    case 'group':
      return compileExpr(e.inner, slots);
    case 'unary': {
      const x = compileExpr(e.operand, slots);
      if (e.op === '-') return (env) => neg(x(env));
      if (e.op === '+') return (env) => pos(x(env));
      return (env) => truth(isZero(x(env)));
    }
    case 'if': {
      const c = compileExpr(e.cond, slots);
      const t = compileExpr(e.then, slots);
      const f = compileExpr(e.else, slots);
      return (env) => (isZero(c(env)) ? f(env) : t(env));
    }
    case 'call': {
      const f = FUNCTIONS.get(e.callee);
      if (f === undefined) throw new DslEvaluationError(`unknown function '${e.callee}'`);
      const impl = f.impl;
      const args = e.args.map((a) => compileExpr(a, slots));
// Stryker disable next-line BlockStatement: a specialised call shape only; the generic impl(args.map(...)) below gives the same result
      if (args.length === 1) {
        const a0 = args[0] as Evaluator;
        return (env) => impl([a0(env)]);
      }
// Stryker disable next-line LogicalOperator,StringLiteral,BlockStatement: min/max specialisation only; the catalog's min/max (first argument wins ties) gives the same result
      if (args.length === 2 && (e.callee === 'min' || e.callee === 'max')) {
        // The commonest calls, without an argument array: the first argument wins ties.
        const a0 = args[0] as Evaluator;
        const a1 = args[1] as Evaluator;
        return e.callee === 'min'
          ? (env) => {
              const a = a0(env);
              const b = a1(env);
// Stryker disable next-line EqualityOperator: on a tie both operands are equal values, and every result is compared and printed by value
              return cmp(b, a) < 0 ? b : a;
            }
          : (env) => {
              const a = a0(env);
              const b = a1(env);
// Stryker disable next-line EqualityOperator: on a tie both operands are equal values, and every result is compared and printed by value
              return cmp(a, b) < 0 ? b : a;
            };
      }
// Stryker disable next-line BlockStatement: a specialised call shape only; the generic impl(args.map(...)) below gives the same result
      if (args.length === 2) {
        const a0 = args[0] as Evaluator;
        const a1 = args[1] as Evaluator;
        return (env) => impl([a0(env), a1(env)]);
      }
      return (env) => impl(args.map((a) => a(env)));
    }
    case 'binary': {
      const l = compileExpr(e.left, slots);
      const r = compileExpr(e.right, slots);
      switch (e.op) {
        case '+':
          return (env) => add(l(env), r(env));
        case '-':
          return (env) => sub(l(env), r(env));
        case '*':
          return (env) => mul(l(env), r(env));
        case '/':
          return (env) => div(l(env), r(env));
        case '%':
          return (env) => mod(l(env), r(env));
        case '^':
          return (env) => power(l(env), r(env));
        case '==':
          return (env) => truth(cmp(l(env), r(env)) === 0);
        case '!=':
          return (env) => truth(cmp(l(env), r(env)) !== 0);
        case '<':
          return (env) => truth(cmp(l(env), r(env)) < 0);
        case '<=':
          return (env) => truth(cmp(l(env), r(env)) <= 0);
        case '>':
          return (env) => truth(cmp(l(env), r(env)) > 0);
        case '>=':
          return (env) => truth(cmp(l(env), r(env)) >= 0);
        case '&&':
          return (env) => truth(!isZero(l(env)) && !isZero(r(env)));
        case '||':
          return (env) => truth(!isZero(l(env)) || !isZero(r(env)));
      }
    }
  }
}
