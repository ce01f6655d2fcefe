import type { Decimal } from './decimal';
import { add, cmp, div, mul, quantize, sub, type Num } from './num';
import { parseInput, parsePlain, toCanonical } from './num-text';

export interface PoolRow {
  id: string;
  /** Amount to scale (a bonus), a decimal string or Decimal. */
  amount: string | Decimal;
}
export interface PoolAllocation {
  id: string;
  amount: string;
}

const CENT = parsePlain('0.01');
const ZERO = parsePlain('0');

function toNum(v: string | Decimal): Num {
  const n = parseInput(typeof v === 'string' ? v : v.toFixed());
  if (n === undefined) throw new Error(`allocatePool: not a decimal: ${JSON.stringify(String(v).slice(0, 40))}`);
  return n;
}

/**
 * Scale amounts down to a pool, exactly as the legacy engine does. When the sum exceeds the
 * pool, each share is amount × pool / sum (28-digit context, like every engine operation)
 * floored to cents; the cents left to reach the pool (floored to cents) go one each to the
 * largest fractional remainders, ties by id ascending (string order), then input order. The
 * shares then sum to the pool to the cent. When the sum is at most the pool the amounts are
 * returned unchanged. Rows keep their input order; amounts are canonical strings.
 */
export function allocatePool(rows: readonly PoolRow[], pool: string | Decimal): PoolAllocation[] {
  const P = toNum(pool);
  const amounts = rows.map((r) => toNum(r.amount));
  const total = amounts.reduce((s, a) => add(s, a), ZERO);
  if (cmp(total, P) <= 0) return rows.map((r, i) => ({ id: r.id, amount: toCanonical(amounts[i] as Num) }));
  const shares = amounts.map((a) => {
    const exact = div(mul(a, P), total);
    const floored = quantize(exact, 2, 'allocatePool', 'floor');
    return { floored, remainder: sub(exact, floored) };
  });
  const poolCents = quantize(P, 2, 'allocatePool', 'floor');
  const flooredSum = shares.reduce((s, x) => add(s, x.floored), ZERO);
  let leftover = Number(toCanonical(div(sub(poolCents, flooredSum), CENT)));
  const order = rows
    .map((_, i) => i)
    .sort((a, b) => {
      const byRemainder = cmp((shares[b] as { remainder: Num }).remainder, (shares[a] as { remainder: Num }).remainder);
      if (byRemainder !== 0) return byRemainder;
      const ia = (rows[a] as PoolRow).id;
      const ib = (rows[b] as PoolRow).id;
      return ia < ib ? -1 : ia > ib ? 1 : a - b;
    });
  for (let k = 0; leftover > 0 && order.length > 0; k++, leftover--) {
    const s = shares[order[k % order.length] as number] as { floored: Num };
    s.floored = add(s.floored, CENT);
  }
  return rows.map((r, i) => ({ id: r.id, amount: toCanonical((shares[i] as { floored: Num }).floored) }));
}
