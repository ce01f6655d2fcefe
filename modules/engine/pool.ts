import { Decimal, add, div, mul, sub } from './decimal';

export interface PoolRow {
  id: string;
  /** Amount to scale (a bonus), a decimal string or Decimal. */
  amount: string | Decimal;
}
export interface PoolAllocation {
  id: string;
  amount: string;
}

const CENT = new Decimal('0.01');
const toDecimal = (v: string | Decimal): Decimal => (typeof v === 'string' ? new Decimal(v.trim()) : v);

/**
 * Scale amounts down to a pool, exactly as the legacy engine does. When the sum exceeds the
 * pool, each share is amount × pool / sum (28-digit context, like every engine operation)
 * floored to cents; the cents left to reach the pool (floored to cents) go one each to the
 * largest fractional remainders, ties by id ascending (string order), then input order. The
 * shares then sum to the pool to the cent. When the sum is at most the pool the amounts are
 * returned unchanged. Rows keep their input order; amounts are canonical strings.
 */
export function allocatePool(rows: readonly PoolRow[], pool: string | Decimal): PoolAllocation[] {
  const P = toDecimal(pool);
  const amounts = rows.map((r) => toDecimal(r.amount));
  const total = amounts.reduce((s, a) => add(s, a), new Decimal(0));
  if (total.lte(P)) return rows.map((r, i) => ({ id: r.id, amount: (amounts[i] as Decimal).toFixed() }));
  const shares = amounts.map((a) => {
    const exact = div(mul(a, P), total);
    const floored = exact.toDecimalPlaces(2, Decimal.ROUND_FLOOR);
    return { floored, remainder: sub(exact, floored) };
  });
  const poolCents = P.toDecimalPlaces(2, Decimal.ROUND_FLOOR);
  const flooredSum = shares.reduce((s, x) => add(s, x.floored), new Decimal(0));
  let leftover = div(sub(poolCents, flooredSum), CENT).trunc().toNumber();
  const order = rows
    .map((_, i) => i)
    .sort((a, b) => {
      const byRemainder = (shares[b] as { remainder: Decimal }).remainder.comparedTo((shares[a] as { remainder: Decimal }).remainder);
      if (byRemainder !== 0) return byRemainder;
      const ia = (rows[a] as PoolRow).id;
      const ib = (rows[b] as PoolRow).id;
      return ia < ib ? -1 : ia > ib ? 1 : a - b;
    });
  for (let k = 0; leftover > 0 && order.length > 0; k++, leftover--) {
    const s = shares[order[k % order.length] as number] as { floored: Decimal };
    s.floored = s.floored.plus(CENT);
  }
  return rows.map((r, i) => ({ id: r.id, amount: (shares[i] as { floored: Decimal }).floored.toFixed() }));
}
