import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CATALOG_VERSION, FUNCTION_CATALOG, evaluateExpression } from './index';

const ev = (e: string, vars: Record<string, string> = {}) => evaluateExpression(e, vars);

describe('function catalog v1', () => {
  it('is versioned and lists every function with docs', () => {
    expect(CATALOG_VERSION).toBe(1);
    expect(FUNCTION_CATALOG.map((f) => f.name)).toEqual(['min', 'max', 'round2', 'round', 'clip', 'hurdle', 'pct', 'pct_change', 'cap_floor', 'abs', 'floor', 'ceil']);
    for (const f of FUNCTION_CATALOG) {
      expect(f.signature.startsWith(`${f.name}(`)).toBe(true);
      expect(f.description.length).toBeGreaterThan(5);
      expect(JSON.parse(JSON.stringify(f))).toEqual(f);
    }
  });
  it.each(FUNCTION_CATALOG.map((f) => [f.example, f.result]))('documented example %s = %s', (example, result) => {
    expect(ev(example)).toBe(result);
  });
  it('is frozen', () => {
    expect(Object.isFrozen(FUNCTION_CATALOG)).toBe(true);
    expect(Object.isFrozen(FUNCTION_CATALOG[0])).toBe(true);
  });
});

describe('functions', () => {
  it('min and max take two or more arguments and return an argument unchanged', () => {
    expect(ev('min(2, 1)')).toBe('1');
    expect(ev('min(1, 2)')).toBe('1');
    expect(ev('max(-1, -2)')).toBe('-1');
    expect(ev('max(-2, -1)')).toBe('-1');
    expect(ev('min(5, 4, 3, 2, 1, 6)')).toBe('1');
    expect(ev('max(5, 4, 9, 2, 1, 6)')).toBe('9');
    const long = '1.' + '1'.repeat(35); // more than 28 digits: not rounded by selection
    expect(ev(`min(${long}, 2)`)).toBe(long);
    expect(ev(`max(x, 0)`, { x: long })).toBe(long);
  });
  it('round2 rounds half-even to the cent', () => {
    expect([ev('round2(0.125)'), ev('round2(0.135)'), ev('round2(0.145)'), ev('round2(-0.125)'), ev('round2(-0.135)')]).toEqual(['0.12', '0.14', '0.14', '-0.12', '-0.14']);
    expect(ev('round2(0.1250000001)')).toBe('0.13');
    expect(ev('round2(1.005)')).toBe('1');
    expect(ev('round2(-0.004)')).toBe('0');
    expect(ev('round2(7)')).toBe('7');
  });
  it('round2 refuses results over 28 digits like Python quantize', () => {
    expect(ev('round2(12345678901234567890123456.5)')).toBe('12345678901234567890123456.5');
    expect(() => ev('round2(123456789012345678901234567)')).toThrow('round2: result exceeds 28 significant digits');
  });
  it('round(x, dp) rounds half-even to dp places', () => {
    expect(ev('round(2.5, 0)')).toBe('2');
    expect(ev('round(3.5, 0)')).toBe('4');
    expect(ev('round(-2.5, 0)')).toBe('-2');
    expect(ev('round(1.23456, 3)')).toBe('1.235');
    expect(ev('round(1.2345, 3)')).toBe('1.234');
    expect(ev('round(1, 27)')).toBe('1');
    expect(ev('round(0.1, 28)')).toBe('0.1');
    expect(() => ev('round(1, 28)')).toThrow('round: result exceeds 28 significant digits'); // as Python quantize
    expect(() => ev('round(1, 1.5)')).toThrow('round: dp must be a whole number from 0 to 28');
    expect(() => ev('round(1, -1)')).toThrow('round: dp must be a whole number from 0 to 28');
    expect(() => ev('round(1, 29)')).toThrow('round: dp must be a whole number from 0 to 28');
    expect(() => ev('round(10, 27)')).toThrow('round: result exceeds 28 significant digits');
    expect(ev('round(9, 27)')).toBe('9');
  });
  it('clip limits to [lo, hi]; hi wins when lo > hi', () => {
    expect([ev('clip(-1, 0, 1)'), ev('clip(0.5, 0, 1)'), ev('clip(2, 0, 1)'), ev('clip(0, 0, 1)'), ev('clip(1, 0, 1)')]).toEqual(['0', '0.5', '1', '0', '1']);
    expect(ev('clip(5, 3, 2)')).toBe('2');
  });
  it('hurdle is 0 below the rate, else perf', () => {
    expect([ev('hurdle(0.0199, 0.02)'), ev('hurdle(0.02, 0.02)'), ev('hurdle(0.03, 0.02)'), ev('hurdle(-1, -2)')]).toEqual(['0', '0.02', '0.03', '-1']);
  });
  it('pct divides by 100', () => {
    expect([ev('pct(50)'), ev('pct(-0.5)'), ev('pct(1)')]).toEqual(['0.5', '-0.005', '0.01']);
  });
  it('pct_change is (cur - prev) / prev and refuses prev = 0', () => {
    expect([ev('pct_change(110, 100)'), ev('pct_change(90, 100)'), ev('pct_change(-5, -10)'), ev('pct_change(1, 3)')]).toEqual(['0.1', '-0.1', '-0.5', '-0.6666666666666666666666666667']);
    expect(() => ev('pct_change(1, 0)')).toThrow('pct_change: previous value is 0');
    expect(() => ev('pct_change(0, 0.0)')).toThrow('pct_change: previous value is 0');
  });
  it('cap_floor limits to [floor, cap]; the cap wins when floor > cap, as in clip', () => {
    expect([ev('cap_floor(11, 10, 0)'), ev('cap_floor(-3, 10, 0)'), ev('cap_floor(5, 10, 0)'), ev('cap_floor(10, 10, 0)'), ev('cap_floor(0, 10, 0)')]).toEqual(['10', '0', '5', '10', '0']);
    expect(ev('cap_floor(5, 1, 2)')).toBe('1');
    expect(ev('clip(5, 2, 1)')).toBe('1');
    expect(ev('cap_floor(0, 1, 2)')).toBe('1');
  });
  it('cap_floor(x, cap, floor) equals clip(x, floor, cap) for every input', () => {
    const value = fc.oneof(fc.integer({ min: -5, max: 5 }).map(String), fc.constantFrom('0.5', '-0.5', '1.00', '2.50', '-0'));
    fc.assert(
      fc.property(value, value, value, (x, cap, fl) => {
        const vars = { x, cap, fl };
        expect(evaluateExpression('cap_floor(x, cap, fl)', vars)).toBe(evaluateExpression('clip(x, fl, cap)', vars));
      }),
      { numRuns: 2000 },
    );
  });
  it('abs, floor and ceil', () => {
    expect([ev('abs(-2.5)'), ev('abs(2.5)'), ev('abs(0)')]).toEqual(['2.5', '2.5', '0']);
    expect(ev('abs(-1.' + '1'.repeat(35) + ')')).toBe('1.' + '1'.repeat(27));
    expect([ev('floor(2.7)'), ev('floor(-2.1)'), ev('floor(-0.5)'), ev('floor(3)')]).toEqual(['2', '-3', '-1', '3']);
    expect([ev('ceil(2.1)'), ev('ceil(-2.7)'), ev('ceil(-0.5)'), ev('ceil(3)')]).toEqual(['3', '-2', '0', '3']);
  });
});
