import type { Expr } from './ast';
import { Decimal, ONE, ZERO, add, div, finite, mod, mul, power, sub, toContext } from './decimal';
import { FUNCTIONS } from './functions';
import { DslEvaluationError } from './problems';

/** A compiled expression: reads its variables from slots of `env`. */
export type Evaluator = (env: Decimal[]) => Decimal;

const truth = (b: boolean): Decimal => (b ? ONE : ZERO);

/**
 * Turn a checked AST into nested closures once, so evaluating a row does no AST walking,
 * no name lookups and no parsing. `slots` maps each name to its index in `env`.
 */
export function compileExpr(e: Expr, slots: ReadonlyMap<string, number>): Evaluator {
  switch (e.kind) {
    case 'number': {
      const v = new Decimal(e.text);
      return () => v;
    }
    case 'name': {
      const i = slots.get(e.name);
      if (i === undefined) throw new DslEvaluationError(`unknown name '${e.name}'`);
      return (env) => env[i] as Decimal;
    }
    case 'group':
      return compileExpr(e.inner, slots);
    case 'unary': {
      const x = compileExpr(e.operand, slots);
      if (e.op === '-') return (env) => finite(toContext(x(env).neg()));
      if (e.op === '+') return (env) => finite(toContext(x(env)));
      return (env) => truth(x(env).isZero());
    }
    case 'if': {
      const c = compileExpr(e.cond, slots);
      const t = compileExpr(e.then, slots);
      const f = compileExpr(e.else, slots);
      return (env) => (c(env).isZero() ? f(env) : t(env));
    }
    case 'call': {
      const f = FUNCTIONS.get(e.callee);
      if (f === undefined) throw new DslEvaluationError(`unknown function '${e.callee}'`);
      const impl = f.impl;
      const args = e.args.map((a) => compileExpr(a, slots));
      if (args.length === 1) {
        const a0 = args[0] as Evaluator;
        return (env) => impl([a0(env)]);
      }
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
          return (env) => truth(l(env).eq(r(env)));
        case '!=':
          return (env) => truth(!l(env).eq(r(env)));
        case '<':
          return (env) => truth(l(env).lt(r(env)));
        case '<=':
          return (env) => truth(l(env).lte(r(env)));
        case '>':
          return (env) => truth(l(env).gt(r(env)));
        case '>=':
          return (env) => truth(l(env).gte(r(env)));
        case '&&':
          return (env) => truth(!l(env).isZero() && !r(env).isZero());
        case '||':
          return (env) => truth(!l(env).isZero() || !r(env).isZero());
      }
    }
  }
}
