import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal, allocatePool } from './index';

describe('allocatePool', () => {
  it('leaves amounts unchanged when the sum is within the pool', () => {
    expect(allocatePool([{ id: 'a', amount: '10.50' }, { id: 'b', amount: '5' }], '15.5')).toEqual([
      { id: 'a', amount: '10.5' },
      { id: 'b', amount: '5' },
    ]);
    expect(allocatePool([{ id: 'a', amount: '1' }], '100')).toEqual([{ id: 'a', amount: '1' }]);
    expect(allocatePool([], '0')).toEqual([]);
  });
  it('gives leftover cents to the largest remainders, ties by id ascending', () => {
    expect(allocatePool([{ id: 'c', amount: '1' }, { id: 'a', amount: '1' }, { id: 'b', amount: '1' }], '1')).toEqual([
      { id: 'c', amount: '0.33' },
      { id: 'a', amount: '0.34' },
      { id: 'b', amount: '0.33' },
    ]);
    expect(allocatePool([{ id: 'E2', amount: '2' }, { id: 'E1', amount: '1' }, { id: 'E3', amount: '1' }], '1')).toEqual([
      { id: 'E2', amount: '0.5' },
      { id: 'E1', amount: '0.25' },
      { id: 'E3', amount: '0.25' },
    ]);
    // 100 * 10 / 30 = 33.333.., 200 * 10 / 30 = 66.666..: the larger remainder (0.0066..) wins the cent.
    expect(allocatePool([{ id: 'a', amount: '100' }, { id: 'b', amount: '200' }], '100.00')).toEqual([
      { id: 'a', amount: '33.33' },
      { id: 'b', amount: '66.67' },
    ]);
  });
  it('floors the pool to cents', () => {
    expect(allocatePool([{ id: 'a', amount: '3' }, { id: 'b', amount: '3' }], '1.019')).toEqual([
      { id: 'a', amount: '0.51' },
      { id: 'b', amount: '0.5' },
    ]);
  });
  it('accepts Decimal values', () => {
    expect(allocatePool([{ id: 'a', amount: new Decimal(2) }, { id: 'b', amount: new Decimal(2) }], new Decimal(2))).toEqual([
      { id: 'a', amount: '1' },
      { id: 'b', amount: '1' },
    ]);
  });
  it('always sums to the pool to the cent and never moves an amount by a cent or more from its exact share', () => {
    const cents = fc.bigInt({ min: 0n, max: 10_000_000n }).map((c) => (c === 0n ? '0' : (Number(c) / 100).toFixed(2)));
    fc.assert(
      fc.property(fc.array(cents, { minLength: 1, maxLength: 40 }), fc.bigInt({ min: 1n, max: 100_000_000n }), (amounts, poolCents) => {
        const pool = (Number(poolCents) / 100).toFixed(2);
        const rows = amounts.map((amount, i) => ({ id: `E${String(i).padStart(3, '0')}`, amount }));
        const out = allocatePool(rows, pool);
        const total = amounts.reduce((s, a) => s.plus(a), new Decimal(0));
        const sum = out.reduce((s, r) => s.plus(r.amount), new Decimal(0));
        if (total.lte(pool)) {
          expect(out.map((r) => r.amount)).toEqual(amounts.map((a) => new Decimal(a).toFixed()));
        } else {
          expect(sum.toFixed()).toBe(new Decimal(pool).toFixed());
          out.forEach((r, i) => {
            const exact = new Decimal(amounts[i] as string).times(pool).div(total);
            expect(new Decimal(r.amount).minus(exact).abs().lt('0.01')).toBe(true);
          });
        }
      }),
      { numRuns: 300 },
    );
  });
});
