import { describe, expect, it } from 'vitest';
import { evaluateExpression, parse, DslSyntaxError } from './index';

const ev = (e: string, vars: Record<string, string> = {}) => evaluateExpression(e, vars);
function syntaxError(src: string): DslSyntaxError {
  try {
    parse(src);
  } catch (err) {
    if (err instanceof DslSyntaxError) return err;
    throw err;
  }
  throw new Error(`expected a syntax error for ${src}`);
}

describe('grammar', () => {
  it('parses numbers, names and groups', () => {
    expect(ev('42')).toBe('42');
    expect(ev('0.50')).toBe('0.5');
    expect(ev('x', { x: '3.25' })).toBe('3.25');
    expect(ev('(((7)))')).toBe('7');
  });
  it('gives * / % precedence over + -', () => {
    expect(ev('1 + 2 * 3')).toBe('7');
    expect(ev('10 - 6 / 2')).toBe('7');
    expect(ev('10 - 7 % 4')).toBe('7');
    expect(ev('(1 + 2) * 3')).toBe('9');
  });
  it('is left-associative for + - * / %', () => {
    expect(ev('10 - 3 - 2')).toBe('5');
    expect(ev('64 / 4 / 2')).toBe('8');
    expect(ev('20 % 7 % 4')).toBe('2');
  });
  it('makes ^ right-associative and tighter than unary minus', () => {
    expect(ev('2 ^ 3 ^ 2')).toBe('512');
    expect(ev('-2 ^ 2')).toBe('-4');
    expect(ev('(-2) ^ 2')).toBe('4');
    expect(ev('2 ^ -2')).toBe('0.25');
    expect(ev('2 * 3 ^ 2')).toBe('18');
  });
  it('has unary minus, plus and not', () => {
    expect(ev('--3')).toBe('3');
    expect(ev('-x', { x: '0' })).toBe('0');
    expect(ev('+2.50')).toBe('2.5');
    expect(ev('!0')).toBe('1');
    expect(ev('!5')).toBe('0');
    expect(ev('!!7')).toBe('1');
  });
  it('gives comparisons 1 or 0', () => {
    expect([ev('1 == 1.0'), ev('1 != 1'), ev('1 < 2'), ev('2 <= 2'), ev('3 > 4'), ev('3 >= 4')]).toEqual(['1', '0', '1', '1', '0', '0']);
  });
  it('binds comparisons looser than arithmetic and tighter than && and ||', () => {
    expect(ev('1 + 1 == 2')).toBe('1');
    expect(ev('1 < 2 && 3 < 4')).toBe('1');
    expect(ev('0 || 0 && 1')).toBe('0');
    expect(ev('1 || 0 && 0')).toBe('1');
  });
  it('short-circuits && and ||', () => {
    expect(ev('0 && 1 / 0')).toBe('0');
    expect(ev('1 || 1 / 0')).toBe('1');
    expect(() => ev('1 && 1 / 0')).toThrow('division by zero');
    expect(ev('2 && 3')).toBe('1');
    expect(ev('0 || 0.5')).toBe('1');
  });
  it('takes the then branch when the condition is not 0, evaluating only that branch', () => {
    expect(ev('if (x) then 1 else 2', { x: '0.001' })).toBe('1');
    expect(ev('if (x) then 1 else 2', { x: '0' })).toBe('2');
    expect(ev('if (1) then 5 else 1 / 0')).toBe('5');
    expect(ev('1 + if (0) then 1 else 2 * 10')).toBe('21');
    expect(ev('if (1) then if (0) then 1 else 2 else 3')).toBe('2');
  });
  it('calls functions with any whitespace and newlines', () => {
    expect(ev('max(\n  1,\n  2\n)')).toBe('2');
  });
  it('records positions on nodes', () => {
    const ast = parse('a +\n  b');
    expect(ast).toMatchObject({ kind: 'binary', op: '+', pos: { line: 1, column: 1 }, right: { kind: 'name', pos: { line: 2, column: 3, offset: 6 } } });
  });
});

describe('syntax errors', () => {
  it('say what was expected, where, with a caret excerpt', () => {
    const err = syntaxError('1 + * 2');
    expect(err.problem).toEqual({ code: 'syntax', message: "expected an expression, found '*'", line: 1, column: 5, offset: 4, excerpt: '1 + * 2\n    ^' });
    expect(err.message).toBe("line 1, column 5: expected an expression, found '*'\n1 + * 2\n    ^");
  });
  it('point into the right line of a multi-line expression', () => {
    expect(syntaxError('max(1,\n  2 3)').problem).toMatchObject({ line: 2, column: 5, message: "expected ',' or ')', found number 3", excerpt: '  2 3)\n    ^' });
  });
  it.each([
    ['a.b', 'attribute access is not part of the language', 2],
    ['x[0]', 'brackets are not part of the language', 2],
    ['"abc"', 'strings are not part of the language', 1],
    ["'abc'", 'strings are not part of the language', 1],
    ['1e5', 'exponent notation is not allowed; write the number in full (e.g. 100000)', 2],
    ['1E5', 'exponent notation is not allowed; write the number in full (e.g. 100000)', 2],
    ['x = 1', "assignment is not part of the language; use '==' to compare", 3],
    ['1.', 'expected a digit after the decimal point', 3],
    ['.5', 'attribute access is not part of the language (numbers are written like 0.5)', 1],
    ['1.2.3', 'a number has at most one decimal point; attribute access is not part of the language', 4],
    ['2x', "unexpected 'x' after number", 2],
    ['a & b', "expected '&&'", 3],
    ['a | b', "expected '||'", 3],
    ['{1}', 'braces are not part of the language', 1],
    ['1 # 2', "unexpected character '#'", 3],
    ['x.constructor', 'attribute access is not part of the language', 2],
  ])('rejects %s', (src, message, column) => {
    expect(syntaxError(src).problem).toMatchObject({ code: 'syntax', message, line: 1, column });
  });
  it.each([
    ['', 'expected an expression, found end of input'],
    ['(1 + 2', "expected ')', found end of input"],
    ['1 + 2)', "expected an operator or end of input, found ')'"],
    ['min(1,)', "expected an expression, found ')'"],
    ['if 1 then 2 else 3', "expected '(' after 'if', found number 1"],
    ['if (1) 2 else 3', "expected 'then', found number 2"],
    ['if (1) then 2', "expected 'else', found end of input"],
    ['if (1 then 2 else 3', "expected ')' to close the condition, found 'then'"],
    ['then', "expected an expression ('then' is a keyword), found 'then'"],
    ['1 2', 'expected an operator or end of input, found number 2'],
    ['f(x) (y)', "expected an operator or end of input, found '('"],
  ])('rejects %j', (src, message) => {
    expect(syntaxError(src).problem.message).toBe(message);
  });
  it('rejects very deep nesting and very long input instead of overflowing the stack', () => {
    expect(syntaxError('('.repeat(300) + '1' + ')'.repeat(300)).problem.message).toMatch(/at most 200 levels of nesting/);
    expect(syntaxError('-'.repeat(300) + '1').problem.message).toMatch(/at most 200 levels of nesting/);
    expect(syntaxError('1+'.repeat(6000) + '1').problem.message).toBe('expression longer than 10000 characters');
  });
});
