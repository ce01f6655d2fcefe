/**
 * The evaluator's Num against decimal.js configured like Python's default context: the same
 * results, digit for digit, around the fast-path boundary (2^53) and far beyond it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from './decimal';
import { add, cmp, div, mod, mul, neg, parseInput, quantize, sub, toCanonical, type Num } from './num';

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
