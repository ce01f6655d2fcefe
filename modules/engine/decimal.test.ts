import { describe, expect, it } from 'vitest';
import { Decimal, canonical, evaluateExpression } from './index';
import { parseInputDecimal } from './decimal';
import { Num, roundRational } from './num';
import { toCanonical } from './num-text';
import { power } from './num-power';

const fromRational = (n: bigint, d: bigint, exp10: number) => ({ toFixed: () => toCanonical(roundRational(n, d, -exp10)) }) as unknown as Decimal;

const ev = (e: string, vars: Record<string, string> = {}) => evaluateExpression(e, vars);

describe('rounding to 28 significant digits, half-even (Python default context)', () => {
  /** n × 10^-scale as a canonical string (scale may be negative). */
  const scaledText = (n: bigint, scale: number): string => {
    const neg = n < 0n;
    let digits = (neg ? -n : n).toString();
    if (scale <= 0) return (neg ? '-' : '') + digits + '0'.repeat(-scale);
    digits = digits.padStart(scale + 1, '0');
    const text = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`.replace(/\.?0+$/, '');
    return (neg ? '-' : '') + text;
  };
  it('rounds a tie at the 29th digit to even, wherever the decimal point is, for every last digit and sign', () => {
    for (let d = 0; d <= 9; d++) {
      const digits = BigInt('1'.repeat(27) + String(d) + '5'); // 29 significant digits ending in an exact tie
      const kept = BigInt('1'.repeat(27) + String(d)) + (d % 2 === 1 ? 1n : 0n);
      for (let scale = -5; scale <= 40; scale++) {
        const x = scaledText(digits, scale);
        const expected = scaledText(kept * 10n, scale);
        expect(ev(`x * 1`, { x })).toBe(expected);
        expect(ev(`x + 0`, { x: `-${x}` })).toBe(`-${expected}`);
      }
    }
  });
  it('matches Python on hand-checked ties', () => {
    // Values printed by Python 3.11 decimal (default context).
    expect(ev('1111111111111111111111111111' + '5 * 1')).toBe('11111111111111111111111111120');
    expect(ev('-1111111111111111111111111110' + '5 * 1')).toBe('-11111111111111111111111111100');
    expect(ev('1111111111111111111111111119' + '5 * 1')).toBe('11111111111111111111111111200');
  });
  it('rounds ties half-even with round(x, dp) at every place', () => {
    for (let dp = 0; dp <= 25; dp++) {
      const unit = (k: bigint) => scaledText(k, dp + 1);
      expect(ev(`round(x, ${dp})`, { x: unit(25n) })).toBe(scaledText(2n, dp));
      expect(ev(`round(x, ${dp})`, { x: unit(35n) })).toBe(scaledText(4n, dp));
      expect(ev(`round(x, ${dp})`, { x: unit(-25n) })).toBe(scaledText(-2n, dp));
      expect(ev(`round(x, ${dp})`, { x: unit(-35n) })).toBe(scaledText(-4n, dp));
      expect(ev(`round(x, ${dp})`, { x: scaledText(251n, dp + 2) })).toBe(scaledText(3n, dp));
    }
  });
  it('rounds ties half-even in fractions, including negative ties', () => {
    expect(ev('1 / 8 + 0.0000000000000000000000000000')).toBe('0.125');
    expect(ev('2 / 3')).toBe('0.6666666666666666666666666667');
    expect(ev('-2 / 3')).toBe('-0.6666666666666666666666666667');
    expect(ev('1.000000000000000000000000000 + 0.0000000000000000000000000005')).toBe('1');
    expect(ev('1.000000000000000000000000001 + 0.0000000000000000000000000005')).toBe('1.000000000000000000000000002');
    expect(ev('-1.000000000000000000000000001 - 0.0000000000000000000000000005')).toBe('-1.000000000000000000000000002');
    expect(ev('-1.000000000000000000000000000 - 0.0000000000000000000000000005')).toBe('-1');
    expect(ev('1.000000000000000000000000000 + 0.00000000000000000000000000050001')).toBe('1.000000000000000000000000001');
  });
  it('rounds every intermediate result, not only the final one', () => {
    // (1/3)*3 is 0.9999999999999999999999999999, not 1.
    expect(ev('1 / 3 * 3')).toBe('0.9999999999999999999999999999');
    // 10^28 + 1 loses the 1; subtracting 10^28 then gives 0.
    expect(ev('10000000000000000000000000000 + 1 - 10000000000000000000000000000')).toBe('0');
    expect(ev('99999999999999999999999999995 * 1')).toBe('100000000000000000000000000000');
    expect(ev('9999999999999999999999999999 * 9999999999999999999999999999')).toBe('99999999999999999999999999980000000000000000000000000000');
  });
  it('keeps literals and inputs exact until an operation rounds them, like Decimal(str)', () => {
    const long = '1.234567890123456789012345678901234';
    expect(ev('x', { x: long })).toBe(long);
    expect(ev('+x', { x: long })).toBe('1.234567890123456789012345679');
    expect(ev('-x', { x: long })).toBe('-1.234567890123456789012345679');
    expect(ev('x * 1', { x: long })).toBe('1.234567890123456789012345679');
  });
});

describe('operators', () => {
  it('% has the sign of the dividend', () => {
    expect([ev('7 % 3'), ev('-7 % 3'), ev('7 % -3'), ev('-7 % -3'), ev('7.5 % 2'), ev('-7.5 % 2'), ev('6 % 3')]).toEqual(['1', '-1', '1', '-1', '1.5', '-1.5', '0']);
  });
  it('refuses % by zero and quotients over 28 digits, like Python', () => {
    expect(() => ev('1 % 0')).toThrow('modulo by zero');
    expect(() => ev('10000000000000000000000000000 % 1')).toThrow('modulo: quotient exceeds 28 digits');
    expect(ev('9999999999999999999999999999 % 2')).toBe('1');
  });
  it('refuses division by zero', () => {
    expect(() => ev('1 / 0')).toThrow('division by zero');
    expect(() => ev('0 / 0.00')).toThrow('division by zero');
    expect(() => ev('1 / x', { x: '-0' })).toThrow('division by zero');
  });
  it('computes integer powers like Python (binary exponentiation at working precision, then one rounding)', () => {
    // Python: Decimal('1.1') ** 50 = 117.3908528796953165066664960; Decimal(2) ** 100 = 1.267650600228229401496703205E+30
    expect(ev('1.1 ^ 50')).toBe('117.390852879695316506666496');
    expect(ev('2 ^ 100')).toBe('1267650600228229401496703205000');
    expect(ev('(-2) ^ 3')).toBe('-8');
    expect(ev('(-0.5) ^ -3')).toBe('-8');
    expect(ev('3 ^ -1')).toBe('0.3333333333333333333333333333');
    expect(ev('7 ^ 0')).toBe('1');
    expect(ev('0 ^ 5')).toBe('0');
    // Python's libmpdec rounds every product to 28 + digits(n) + 2 digits; the exactly rounded
    // cube would end in ...859 and 1.914061744603328002781325599E-49.
    expect(ev('4.529204494945909049205940926 ^ 3')).toBe('92.9107121606395727545319186');
    expect(ev('9114242.49955125 ^ -7')).toBe(`0.${'0'.repeat(48)}19140617446033280027813256`);
  });
  it('computes non-integer powers correctly rounded, like Python', () => {
    expect(ev('2 ^ 0.5')).toBe('1.414213562373095048801688724');
    expect(ev('4 ^ 0.5')).toBe('2');
    expect(ev('(1 + r) ^ (1 / 12)', { r: '0.05' })).toBe('1.004074123783648301605419603');
    expect(ev('1.07 ^ 2.5')).toBe('1.18429376874996686778037225');
    expect(ev('1 ^ 0.5')).toBe('1');
    expect(ev('0 ^ 0.5')).toBe('0');
    expect(ev('10 ^ 999.5')).toBe(`3162277660168379331998893544${'0'.repeat(972)}`);
    expect(() => ev('(-8) ^ 0.5')).toThrow('^: a negative number cannot be raised to a non-integer power');
    expect(() => ev('0 ^ -0.5')).toThrow('division by zero');
    expect(() => ev('(x ^ 999) ^ 2.5', { x: '1e1000' })).toThrow('overflow: result exceeds the decimal range');
    // Python: 0E-1000026 (underflow is not trapped).
    expect(ev('(x ^ 999) ^ 2.5', { x: '1e-1000' })).toBe('0');
  });
  it('refuses out-of-range and undefined powers', () => {
    expect(() => ev('2 ^ 1000.5')).toThrow('^: the exponent must be between -1000 and 1000');
    expect(() => ev('2 ^ 1001')).toThrow('^: the exponent must be between -1000 and 1000');
    expect(() => ev('0 ^ 0')).toThrow('^: 0 ^ 0 is undefined');
    expect(() => ev('0 ^ -1')).toThrow('division by zero');
    expect(() => ev('10 ^ 1000 * 10 ^ 1000 * 10 ^ 1000 ^ 1')).not.toThrow();
  });
  it('reports overflow beyond the decimal range instead of Infinity', () => {
    const big = '9'.repeat(40);
    // (10^40)^1000 = 10^40000: fine. Repeated squaring past 10^999999 overflows.
    expect(() => ev(`x ^ 1000`, { x: '1e1000' })).toThrow('overflow: result exceeds the decimal range');
    expect(() => ev(`(x ^ 1000) * (x ^ 1000)`, { x: '1e999' })).toThrow('overflow: result exceeds the decimal range');
    expect(() => ev(`(x ^ 1000) ^ 1000`, { x: big })).toThrow('overflow: result exceeds the decimal range');
    expect(() => power(new Num(1, -500000, null), new Num(3, 0, null))).toThrow('overflow');
    expect(toCanonical(power(new Num(1, 500000, null), new Num(3, 0, null)))).toBe('0');
  });
});

describe('canonical strings', () => {
  it('use plain notation, trimmed, never -0', () => {
    expect(canonical(new Decimal('1.500'))).toBe('1.5');
    expect(canonical(new Decimal('1e21'))).toBe('1000000000000000000000');
    expect(canonical(new Decimal('1e-21'))).toBe('0.000000000000000000001');
    expect(canonical(new Decimal('-0'))).toBe('0');
    expect(canonical(new Decimal('-0.000'))).toBe('0');
    expect(ev('-0 * 5')).toBe('0');
    expect(ev('0 * -5')).toBe('0');
  });
});

describe('input cells', () => {
  it('accept what Python Decimal(str) accepts for finite numbers', () => {
    expect(['1', ' 2.5 ', '+3', '-4.', '.5', '1e3', '1.5E-2'].map((s) => canonical(parseInputDecimal(s) as Decimal))).toEqual(['1', '2.5', '3', '-4', '0.5', '1000', '0.015']);
  });
  it('refuse everything else', () => {
    for (const s of ['', 'abc', 'NaN', 'Infinity', '1,5', '0x10', '1e', '--1', '1e9999999', '1e1001', '.', '+', 'e5']) expect(parseInputDecimal(s)).toBeUndefined();
  });
});

describe('fromRational', () => {
  it('rounds exact rationals half-even to 28 digits', () => {
    expect(canonical(fromRational(1n, 3n, 0))).toBe('0.3333333333333333333333333333');
    expect(canonical(fromRational(-2n, 3n, 0))).toBe('-0.6666666666666666666666666667');
    expect(canonical(fromRational(5n, 1n, -1))).toBe('0.5');
    expect(canonical(fromRational(0n, 7n, 3))).toBe('0');
    expect(canonical(fromRational(BigInt('1' + '0'.repeat(28) + '5'), 1n, 0))).toBe('1' + '0'.repeat(29));
    expect(canonical(fromRational(BigInt('1' + '0'.repeat(26) + '15'), 1n, 0))).toBe('1' + '0'.repeat(26) + '20');
    expect(canonical(fromRational(BigInt('1' + '0'.repeat(26) + '25'), 1n, 0))).toBe('1' + '0'.repeat(26) + '20');
  });
});

describe('comparisons across scales (fast and BigInt paths)', () => {
  it.each([
    ['1.0', '1', 0],
    ['1', '1.0', 0],
    ['1.01', '1', 1],
    ['1', '1.01', -1],
    ['0.99', '1', -1],
    ['1', '0.99', 1],
    ['-1.0', '-1', 0],
    ['-1.01', '-1', -1],
    ['1.0000000000000000000', '1', 0], // scale gap over 15: BigInt alignment
    ['1', '1.0000000000000000001', -1],
    ['12345678901234567.5', '12345678901234567.50', 0],
    ['9007199254740993', '9007199254740992.9', 1],
    ['-9007199254740993', '-9007199254740992.9', -1],
    ['0.00000000000000000001', '0', 1],
    ['-0.00000000000000000001', '0', -1],
  ])('%s vs %s', (a, b, sign) => {
    const vars = { a, b };
    expect([ev('a < b', vars), ev('a == b', vars), ev('a > b', vars), ev('a <= b', vars), ev('a >= b', vars), ev('a != b', vars)]).toEqual([
      sign < 0 ? '1' : '0',
      sign === 0 ? '1' : '0',
      sign > 0 ? '1' : '0',
      sign <= 0 ? '1' : '0',
      sign >= 0 ? '1' : '0',
      sign !== 0 ? '1' : '0',
    ]);
  });
});
