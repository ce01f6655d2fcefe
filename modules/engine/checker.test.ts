import { describe, expect, it } from 'vitest';
import { check, parse, compileExpression, DslCheckError, MAX_LITERAL_DIGITS } from './index';

const problems = (src: string, names: string[] = ['x', 'y']) => check(parse(src), src, new Set(names));

describe('checker', () => {
  it('accepts a valid expression', () => {
    expect(problems('max(x, y) * 2 + if (x > y) then 1 else 0')).toEqual([]);
  });
  it('reports every problem at once, each with its position', () => {
    const src = 'foo(x) + z + min(1) + a < b < c';
    expect(problems(src).map((p) => [p.code, p.message, p.line, p.column])).toEqual([
      ['chained_comparison', "comparisons cannot be chained; write 'a < b && b < c' or add parentheses", 1, 29],
      ['unknown_function', "unknown function 'foo'", 1, 1],
      ['unknown_name', "unknown name 'z'", 1, 10],
      ['wrong_arity', 'min takes at least 2 arguments, got 1', 1, 14],
      ['unknown_name', "unknown name 'a'", 1, 23],
      ['unknown_name', "unknown name 'b'", 1, 27],
      ['unknown_name', "unknown name 'c'", 1, 31],
    ]);
  });
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'])('treats %s as an ordinary unknown name', (name) => {
    expect(problems(`${name} + 1`)).toEqual([
      { code: 'unknown_name', message: `unknown name '${name}'`, line: 1, column: 1, offset: 0, excerpt: `${name} + 1\n^` },
    ]);
  });
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('treats %s() as an unknown function', (name) => {
    expect(problems(`${name}(1)`).map((p) => p.message)).toEqual([`unknown function '${name}'`]);
  });
  it('hints when a function name is used as a value', () => {
    expect(problems('min + 1')[0]?.message).toBe("unknown name 'min' ('min' is a function: call it as min(a, b, ...))");
  });
  it.each([
    ['round2(1, 2)', 'round2 takes 1 argument, got 2'],
    ['round(1)', 'round takes 2 arguments, got 1'],
    ['clip(1, 2)', 'clip takes 3 arguments, got 2'],
    ['max()', 'max takes at least 2 arguments, got 0'],
    ['abs()', 'abs takes 1 argument, got 0'],
  ])('checks arity: %s', (src, message) => {
    expect(problems(src).map((p) => p.message)).toEqual([message]);
  });
  it('refuses chained comparisons of any kind but allows parenthesised ones', () => {
    expect(problems('x == y != 1').map((p) => p.code)).toEqual(['chained_comparison']);
    expect(problems('1 < x <= 2 < 3').map((p) => p.code)).toEqual(['chained_comparison', 'chained_comparison']);
    expect(problems('(x < y) == 1')).toEqual([]);
    expect(problems('x < y && y < 2')).toEqual([]);
  });
  it(`limits literals to ${MAX_LITERAL_DIGITS} digits`, () => {
    const ok = '1'.repeat(20) + '.' + '2'.repeat(20);
    expect(problems(ok)).toEqual([]);
    const tooLong = '1'.repeat(21) + '.' + '2'.repeat(20);
    expect(problems(`x + ${tooLong}`)).toEqual([
      {
        code: 'literal_out_of_range',
        message: 'number literal has 41 digits; at most 40 are allowed',
        line: 1,
        column: 5,
        offset: 4,
        excerpt: `x + ${tooLong}\n    ^`,
      },
    ]);
  });
  it('compileExpression reports all non-name problems as one DslCheckError', () => {
    try {
      compileExpression('foo(1) + min(2)');
      throw new Error('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(DslCheckError);
      expect((err as DslCheckError).problems.map((p) => p.code)).toEqual(['unknown_function', 'wrong_arity']);
      expect((err as DslCheckError).message).toBe("line 1, column 1: unknown function 'foo'\nfoo(1) + min(2)\n^\nline 1, column 10: min takes at least 2 arguments, got 1\nfoo(1) + min(2)\n         ^");
    }
  });
});
