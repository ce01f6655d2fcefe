import { COMPARISON_OPS, type BinaryOp, type Expr, type Position } from './ast';
import { tokenize, type Token } from './lexer';
import { DslSyntaxError, problemAt } from './problems';

/** Longest accepted expression text; a guard against pathological input. */
export const MAX_EXPRESSION_LENGTH = 10_000;
/** Deepest nesting accepted; keeps recursion far from the stack limit. */
export const MAX_DEPTH = 200;

/*
 * Grammar (lowest precedence first):
 *   expr    := or
 *   or      := and ( '||' and )*
 *   and     := cmp ( '&&' cmp )*
 *   cmp     := add ( cmpop add )*          -- more than one cmpop is reported by the checker
 *   add     := mul ( ('+' | '-') mul )*
 *   mul     := unary ( ('*' | '/' | '%') unary )*
 *   unary   := ('-' | '+' | '!') unary | power
 *   power   := primary ( '^' unary )?      -- right-associative; binds tighter than unary minus
 *   primary := NUMBER | NAME | NAME '(' [ expr (',' expr)* ] ')' | '(' expr ')'
 *            | 'if' '(' expr ')' 'then' expr 'else' expr
 */

function describe(t: Token): string {
  if (t.type === 'eof') return 'end of input';
  if (t.type === 'number') return `number ${t.text}`;
  if (t.type === 'ident') return `name '${t.text}'`;
  return `'${t.text}'`;
}

class Parser {
  private i = 0;
  private depth = 0;
  private readonly tokens: Token[];

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  private get peek(): Token {
    return this.tokens[this.i] as Token;
  }

  private fail(expected: string, t: Token = this.peek): never {
    throw new DslSyntaxError(problemAt('syntax', `expected ${expected}, found ${describe(t)}`, this.source, t.pos));
  }

  private atEnd(): boolean {
    return this.peek.type === 'eof';
  }

  private isOp(...ops: string[]): boolean {
    const t = this.peek;
    return t.type === 'op' && ops.includes(t.text);
  }

  private expect(type: Token['type'], text: string, expected = `'${text}'`): Token {
    const t = this.peek;
    if (t.type !== type || t.text !== text) this.fail(expected);
    this.i++;
    return t;
  }

  parseAll(): Expr {
    if (this.peek.type === 'eof') this.fail('an expression');
    const e = this.expr();
    if (!this.atEnd()) this.fail('an operator or end of input');
    return e;
  }

  private expr(): Expr {
    if (++this.depth > MAX_DEPTH) this.fail(`at most ${MAX_DEPTH} levels of nesting`);
    const e = this.binaryLevel(0);
    this.depth--;
    return e;
  }

  private static readonly LEVELS: readonly (readonly string[])[] = [['||'], ['&&'], [...COMPARISON_OPS], ['+', '-'], ['*', '/', '%']];

  private binaryLevel(level: number): Expr {
    const ops = Parser.LEVELS[level];
    if (ops === undefined) return this.unary();
    let left = this.binaryLevel(level + 1);
    while (this.isOp(...ops)) {
      const opTok = this.peek;
      this.i++;
      const right = this.binaryLevel(level + 1);
      left = { kind: 'binary', op: opTok.text as BinaryOp, left, right, opPos: opTok.pos, pos: left.pos, end: right.end };
    }
    return left;
  }

  private unary(): Expr {
    if (this.isOp('-', '+', '!')) {
      const t = this.peek;
      this.i++;
      if (++this.depth > MAX_DEPTH) this.fail(`at most ${MAX_DEPTH} levels of nesting`);
      const operand = this.unary();
      this.depth--;
      return { kind: 'unary', op: t.text as '-' | '+' | '!', operand, pos: t.pos, end: operand.end };
    }
    return this.power();
  }

  private power(): Expr {
    const base = this.primary();
    if (!this.isOp('^')) return base;
    const opTok = this.peek;
    this.i++;
    const exponent = this.unary();
    return { kind: 'binary', op: '^', left: base, right: exponent, opPos: opTok.pos, pos: base.pos, end: exponent.end };
  }

  private primary(): Expr {
    const t = this.peek;
    if (t.type === 'number') {
      this.i++;
      return { kind: 'number', text: t.text, pos: t.pos, end: t.end };
    }
    if (t.type === 'keyword' && t.text === 'if') return this.ifExpr();
    if (t.type === 'ident') {
      this.i++;
      if (this.peek.type === 'punct' && this.peek.text === '(') return this.call(t);
      return { kind: 'name', name: t.text, pos: t.pos, end: t.end };
    }
    if (t.type === 'punct' && t.text === '(') {
      this.i++;
      const inner = this.expr();
      const close = this.expect('punct', ')');
      return { kind: 'group', inner, pos: t.pos, end: close.end };
    }
    if (t.type === 'keyword') this.fail(`an expression ('${t.text}' is a keyword)`);
    return this.fail('an expression');
  }

  private call(name: Token): Expr {
    this.expect('punct', '(');
    const args: Expr[] = [];
    if (!(this.peek.type === 'punct' && this.peek.text === ')')) {
      for (;;) {
        args.push(this.expr());
        if (this.peek.type === 'punct' && this.peek.text === ',') {
          this.i++;
          continue;
        }
        break;
      }
    }
    const close = this.expect('punct', ')', "',' or ')'");
    return { kind: 'call', callee: name.text, args, pos: name.pos, end: close.end };
  }

  private ifExpr(): Expr {
    const start = this.expect('keyword', 'if');
    this.expect('punct', '(', "'(' after 'if'");
    const cond = this.expr();
    this.expect('punct', ')', "')' to close the condition");
    this.expect('keyword', 'then', "'then'");
    const then = this.expr();
    this.expect('keyword', 'else', "'else'");
    const otherwise = this.expr();
    return { kind: 'if', cond, then, else: otherwise, pos: start.pos, end: otherwise.end };
  }
}

/** Parse one expression into an AST with positions; throws DslSyntaxError on the first syntax error. */
export function parse(source: string): Expr {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    const pos: Position = { offset: MAX_EXPRESSION_LENGTH, line: 1, column: MAX_EXPRESSION_LENGTH + 1 };
    throw new DslSyntaxError({ code: 'syntax', message: `expression longer than ${MAX_EXPRESSION_LENGTH} characters`, line: pos.line, column: pos.column, offset: pos.offset });
  }
  return new Parser(source).parseAll();
}
