/**
 * Edge cases found by mutation testing (Stryker survivors): exact boundaries of the decimal
 * range, plain-literal syntax, whole-number checks on big coefficients, floor quantization,
 * pool ties, cycle reports and tape/outputs agreement. Expected values are Python's decimal
 * (default context) results.
 */
import { describe, expect, it } from 'vitest';
import { allocatePool, compilePlan, evaluateBatch, evaluateExpression, evaluateRow } from './index';
import { orderSteps } from './graph';
import { isInteger, parseInput, parsePlain, quantize, toCanonical, type Num } from './num';

const big = (digits: number) => `1${'0'.repeat(digits)}`;

describe('decimal range (Emax 999999)', () => {
  it('keeps 1E+999999 and rejects anything above it', () => {
    expect(evaluateExpression('x ^ 999 * y', { x: '1e1000', y: '1e999' })).toBe(big(999_999));
    expect(() => evaluateExpression('x ^ 999 * y * 10', { x: '1e1000', y: '1e999' })).toThrow('overflow: result exceeds the decimal range');
    expect(() => evaluateExpression('x ^ 999 * y * z', { x: '1e1000', y: '1e999', z: '1e1' })).toThrow('overflow');
    // Within range with a very negative scale, and zero with such a scale, are fine.
    expect(evaluateExpression('x ^ 999 * y', { x: '1e1000', y: '1e960' })).toBe(big(999_960));
    expect(evaluateExpression('0 * x ^ 999 * y', { x: '1e1000', y: '1e999' })).toBe('0');
  });
  it('power: the overflow guard is exact at the boundary', () => {
    // 10E+1000 ^ 999 = 1E+999999, the largest power of ten allowed.
    expect(evaluateExpression('x ^ 999', { x: '10e1000' })).toBe(big(999_999));
    expect(() => evaluateExpression('x ^ 1000', { x: '1e1000' })).toThrow('overflow');
    expect(evaluateExpression('x ^ 1000', { x: '1e-1000' })).toBe(`0.${'0'.repeat(999_999)}1`);
  });
});

describe('plain literals and input cells', () => {
  it('parsePlain accepts only -?digits(.digits)?', () => {
    for (const bad of ['.5', '5.', '-.5', '-', '', '1.2.3', '1..2', '+1', '1e5', ' 1']) expect(() => parsePlain(bad), bad).toThrow('not a plain decimal');
    expect(toCanonical(parsePlain('-12.50'))).toBe('-12.5');
    expect(toCanonical(parsePlain('0012.0'))).toBe('12');
    expect(toCanonical(parsePlain('12345678901234567890.5'))).toBe('12345678901234567890.5');
    expect(toCanonical(parsePlain('-12345678901234567890.5'))).toBe('-12345678901234567890.5');
  });
  it('parseInput follows Decimal(str) for finite values', () => {
    for (const bad of ['1.2.3', '1..2', '.', '-', 'e5', '1e', '--1', '1e1001', 'NaN', 'Infinity']) expect(parseInput(bad), bad).toBeUndefined();
    const cases: [string, string][] = [
      ['.5', '0.5'],
      ['5.', '5'],
      ['-.5', '-0.5'],
      ['+1.50', '1.5'],
      [' 7 ', '7'],
      ['000123.4500', '123.45'],
      ['0000000000000000000012', '12'],
      ['-00.001e3', '-1'],
      ['1E+3', '1000'],
      ['12.5e-3', '0.0125'],
      ['0e5', '0'],
      ['00', '0'],
    ];
    for (const [text, want] of cases) expect(toCanonical(parseInput(text) as Num), text).toBe(want);
  });
  it('prints 16-digit coefficients exactly (no double round-trip)', () => {
    expect(evaluateExpression('x * 1', { x: '814074.9301258722' })).toBe('814074.9301258722');
    expect(evaluateExpression('-x', { x: '814074.9301258722' })).toBe('-814074.9301258722');
    expect(evaluateExpression('x', { x: '0.0000001' })).toBe('0.0000001');
    expect(evaluateExpression('x', { x: '-0.000000123' })).toBe('-0.000000123');
    expect(evaluateExpression('x / 1000000', { x: '1' })).toBe('0.000001');
  });
});

describe('whole numbers with big coefficients', () => {
  it('isInteger', () => {
    expect(isInteger(parsePlain('2.00000000000000000000'))).toBe(true);
    expect(isInteger(parsePlain('2.00000000000000000001'))).toBe(false);
    expect(isInteger(parsePlain('0.00000000000000000000'))).toBe(true);
    expect(isInteger(parsePlain('1.0000000000000000'))).toBe(true);
    expect(isInteger(parsePlain('0.0000000000000001'))).toBe(false);
    expect(isInteger(parsePlain('20'))).toBe(true);
    expect(isInteger(parsePlain('2.5'))).toBe(false);
  });
  it('accepts a whole exponent written with many zeros', () => {
    expect(evaluateExpression('3 ^ 2.00000000000000000000')).toBe('9');
    expect(() => evaluateExpression('3 ^ 2.00000000000000000001')).toThrow('^: the exponent must be a whole number');
    expect(evaluateExpression('round(2.5, 0.00000000000000000000)')).toBe('2');
  });
});

describe('quantize', () => {
  const q = (x: string, dp: number, mode: 'even' | 'floor' = 'even') => toCanonical(quantize(parseInput(x) as Num, dp, 'round', mode));
  it('floors toward -infinity, small and big coefficients', () => {
    expect(q('-1.001', 2, 'floor')).toBe('-1.01');
    expect(q('-1.000', 2, 'floor')).toBe('-1');
    expect(q('1.009', 2, 'floor')).toBe('1');
    expect(q('-0.001', 2, 'floor')).toBe('-0.01');
    expect(q('-123456789012345678.001', 2, 'floor')).toBe('-123456789012345678.01');
    expect(q('-123456789012345678.000', 2, 'floor')).toBe('-123456789012345678');
    expect(q('123456789012345678.009', 2, 'floor')).toBe('123456789012345678');
  });
  it('half-even on negative ties, small and big coefficients', () => {
    expect(q('-0.125', 2)).toBe('-0.12');
    expect(q('-0.135', 2)).toBe('-0.14');
    expect(q('-0.1251', 2)).toBe('-0.13');
    expect(q('-123456789012345678.125', 2)).toBe('-123456789012345678.12');
    expect(q('-123456789012345678.135', 2)).toBe('-123456789012345678.14');
    expect(q('-123456789012345678.1251', 2)).toBe('-123456789012345678.13');
  });
  it('sixteen places or more below the target', () => {
    expect(q('0.000000000000000005', 2)).toBe('0');
    expect(q('0.000000000000000006', 0)).toBe('0');
    expect(q('0.500000000000000000', 0)).toBe('0');
    expect(q('1.500000000000000000', 0)).toBe('2');
    expect(q('-0.999999999999999999', 2, 'floor')).toBe('-1');
  });
  it('refuses results over 28 digits and accepts exactly 28', () => {
    expect(q('12345678901234567890123456.5', 2)).toBe('12345678901234567890123456.5');
    expect(() => q('123456789012345678901234567.5', 2)).toThrow('round: result exceeds 28 significant digits');
    expect(() => q('-123456789012345678901234567', 2)).toThrow('round: result exceeds 28 significant digits');
    expect(q('0', 2)).toBe('0');
  });
});

describe('allocatePool', () => {
  it('returns amounts unchanged when the sum equals the pool exactly', () => {
    expect(allocatePool([{ id: 'a', amount: '1.005' }, { id: 'b', amount: '0.995' }], '2')).toEqual([
      { id: 'a', amount: '1.005' },
      { id: 'b', amount: '0.995' },
    ]);
  });
  it('breaks remainder ties by id ascending, then input order', () => {
    const rows = [
      { id: 'c', amount: '1' },
      { id: 'a', amount: '1' },
      { id: 'b', amount: '1' },
    ];
    expect(allocatePool(rows, '2')).toEqual([
      { id: 'c', amount: '0.66' },
      { id: 'a', amount: '0.67' },
      { id: 'b', amount: '0.67' },
    ]);
    const same = [
      { id: 'x', amount: '1' },
      { id: 'x', amount: '1' },
      { id: 'x', amount: '1' },
    ];
    expect(allocatePool(same, '1').map((r) => r.amount)).toEqual(['0.34', '0.33', '0.33']);
  });
  it('refuses amounts that are not decimals', () => {
    expect(() => allocatePool([{ id: 'a', amount: 'x' }], '1')).toThrow('allocatePool: not a decimal: "x"');
  });
});

describe('orderSteps', () => {
  it('orders by dependencies, lowest index first, counting a repeated dependency once', () => {
    expect(orderSteps([[1, 1], [], [0]])).toEqual({ order: [1, 0, 2], cycles: [] });
    expect(orderSteps([])).toEqual({ order: [], cycles: [] });
  });
  it('reports each distinct cycle once, as a closed path', () => {
    expect(orderSteps([[1], [0], [3], [2], []])).toEqual({ order: [4], cycles: [[0, 1, 0], [2, 3, 2]] });
    expect(orderSteps([[0]])).toEqual({ order: [], cycles: [[0, 0]] });
    // A step that depends on a cycle is not part of it.
    expect(orderSteps([[1], [0], [0]]).cycles).toEqual([[0, 1, 0]]);
    // Two cycles through the same node: both found, each once.
    expect(orderSteps([[1, 2], [0], [0]]).cycles).toEqual([[0, 1, 0], [0, 2, 0]]);
  });
});

describe('evaluate: tape and outputs agree', () => {
  const plan = compilePlan({
    inputs: [{ name: 'a' }, { name: 'unused' }],
    constants: [{ name: 'k', value: '2.50' }],
    steps: [
      { key: 's1', output: 'x', expr: 'a * k' },
      { key: 's2', output: 'y', expr: 'x + 1', condition_expr: 'a > 1', default: '7.0' },
    ],
  });
  it('every step value in the tape equals the output, with conditions', () => {
    const [r1, r2] = evaluateBatch(plan, [{ a: '2' }, { a: '1' }]);
    expect(r1).toEqual({
      ok: true,
      outputs: { x: '5', y: '6' },
      tape: {
        inputs: { a: '2' },
        steps: [
          { key: 's1', output: 'x', value: '5', condition: null },
          { key: 's2', output: 'y', value: '6', condition: true },
        ],
      },
    });
    expect(r2).toEqual({
      ok: true,
      outputs: { x: '2.5', y: '7' },
      tape: {
        inputs: { a: '1' },
        steps: [
          { key: 's1', output: 'x', value: '2.5', condition: null },
          { key: 's2', output: 'y', value: '7', condition: false },
        ],
      },
    });
    expect(evaluateBatch(plan, [{ a: '2' }], { tape: false })).toEqual([{ ok: true, outputs: { x: '5', y: '6' } }]);
    expect(evaluateRow(plan, { a: '2' }, { tape: false })).toEqual({ ok: true, outputs: { x: '5', y: '6' } });
  });
  it('rows do not leak into each other and constants stay in place', () => {
    const rows = [{ a: '2' }, { a: 'oops' }, { a: '3' }, new Map([['a', '4']])];
    expect(evaluateBatch(plan, rows, { tape: false })).toEqual([
      { ok: true, outputs: { x: '5', y: '6' } },
      { ok: false, error: { step: null, message: `input 'a' is not a decimal: "oops"` } },
      { ok: true, outputs: { x: '7.5', y: '8.5' } },
      { ok: true, outputs: { x: '10', y: '11' } },
    ]);
  });
  it('input cells: exactly 200 characters are accepted, Decimal-like objects are read', () => {
    const long = `1.${'0'.repeat(198)}`;
    expect(long.length).toBe(200);
    expect(evaluateRow(plan, { a: long }, { tape: false })).toEqual({ ok: true, outputs: { x: '2.5', y: '7' } });
    expect(evaluateRow(plan, { a: 5 as unknown as string }, { tape: false })).toEqual({ ok: false, error: { step: null, message: "input 'a' must be a decimal string" } });
    expect(evaluateRow(plan, { a: { toFixed: () => '2', isFinite: () => false } as unknown as string }, { tape: false })).toEqual({
      ok: false,
      error: { step: null, message: "input 'a' must be a decimal string" },
    });
  });
});
