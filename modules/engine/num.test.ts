/**
 * The evaluator's Num against decimal.js configured like Python's default context: the same
 * results, digit for digit, around the fast-path boundary (2^53) and far beyond it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from './decimal';
import { Num, add, cmp, div, mod, mul, neg, quantize, sub } from './num';
import { parseInput, toCanonical } from './num-text';

const text = fc
  .tuple(
    fc.boolean(),
    fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 53n + 10n }), fc.bigInt({ min: 2n ** 53n - 1000n, max: 2n ** 53n + 1000n }), fc.bigInt({ min: 0n, max: 10n ** 40n })),
    fc.integer({ min: -20, max: 40 }),
  )
  .map(([negative, coef, scale]) => {
    const d = new Decimal(`${negative ? '-' : ''}${coef}e${-scale}`);
    return d.toFixed();
  });
const num = (s: string) => parseInput(s) as Num;
const same = (n: Num, d: InstanceType<typeof Decimal>) => expect(toCanonical(n)).toBe(d.toFixed());

describe('Num equals decimal.js (precision 28, half-even)', () => {
  it('add, sub, mul, div, mod, neg, cmp, round2', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const [x, y, X, Y] = [num(a), num(b), new Decimal(a), new Decimal(b)];
        same(add(x, y), X.plus(Y));
        same(sub(x, y), X.minus(Y));
        same(mul(x, y), X.times(Y));
        same(neg(x), X.neg().toSignificantDigits(28));
        expect(cmp(x, y)).toBe(X.comparedTo(Y));
        if (!Y.isZero()) {
          same(div(x, y), X.div(Y));
          if (X.abs().lt(Y.abs().times('1e28'))) same(mod(x, y), X.mod(Y));
        }
        const q = X.toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN);
        if (q.isZero() || q.e + 3 <= 28) same(quantize(x, 2, 'round2'), q);
      }),
      { numRuns: 3000 },
    );
  });
  it('canonical text matches decimal.js toFixed for small and big coefficients', () => {
    fc.assert(
      fc.property(text, (a) => {
        expect(toCanonical(num(a))).toBe(new Decimal(a).toFixed());
      }),
      { numRuns: 2000 },
    );
  });
});

describe('canonical text of safe-integer coefficients', () => {
  it('the digit-buffer formatter equals the BigInt formatter for every coefficient and scale', () => {
    // new Num(0, s, b) with a small b takes the BigInt formatter: the reference (zero, printed
    // before either formatter is reached, is in the table below).
    const coef = fc.oneof(
      fc.integer({ min: -999, max: 999 }),
      fc.bigInt({ min: -(2n ** 53n - 1n), max: 2n ** 53n - 1n }).map(Number),
      fc.tuple(fc.integer({ min: -99_999, max: 99_999 }), fc.integer({ min: 0, max: 10 })).map(([c, z]) => c * 10 ** z),
    ).filter((c) => c !== 0);
    fc.assert(
      fc.property(coef, fc.integer({ min: -12, max: 40 }), (c, s) => {
        expect(toCanonical(new Num(c, s, null))).toBe(toCanonical(new Num(0, s, BigInt(c))));
      }),
      { numRuns: 20_000 },
    );
  });

  it('prints signs, leading zeros, trimmed fractions and appended zeros', () => {
    const cases: [number, number, string][] = [
      [0, 5, '0'], [-0, 3, '0'], [5, 0, '5'], [-5, 0, '-5'], [120, 1, '12'], [1200, 2, '12'], [1205, 2, '12.05'],
      [-1205, 2, '-12.05'], [5, 3, '0.005'], [-50, 4, '-0.005'], [7, -3, '7000'], [-7, -2, '-700'],
      [Number.MAX_SAFE_INTEGER, 0, '9007199254740991'], [-Number.MAX_SAFE_INTEGER, 8, '-90071992.54740991'],
      [123456789012345, 15, '0.123456789012345'], [1, 22, '0.0000000000000000000001'], [1, 23, '0.00000000000000000000001'],
      [123456789, 20, '0.00000000000123456789'], [99_999_999, 8, '0.99999999'], [100_000_000, 8, '1'],
    ];
    for (const [c, s, want] of cases) expect(toCanonical(new Num(c, s, null))).toBe(want);
  });
});
