import type { Decimal } from './decimal';

export interface PoolRow {
  id: string;
  /** Amount to scale (not negative), a decimal string or Decimal. */
  amount: string | Decimal;
}
export interface PoolAllocation {
  id: string;
  amount: string;
}

/** A decimal string as an integer scaled by 10^scale. */
function scaled(text: string, scale: number): bigint {
  const neg = text.startsWith('-');
  const body = neg ? text.slice(1) : text;
  const [int = '0', frac = ''] = body.split('.');
  const v = BigInt(int + frac.padEnd(scale, '0'));
  return neg ? -v : v;
}
const places = (text: string) => (text.includes('.') ? text.length - text.indexOf('.') - 1 : 0);

function centsText(cents: bigint): string {
  const neg = cents < 0n;
  const a = (neg ? -cents : cents).toString().padStart(3, '0');
  const text = `${a.slice(0, -2)}.${a.slice(-2)}`.replace(/\.?0+$/, '');
  return neg && text !== '0' ? `-${text}` : text;
}

const plain = (v: string | Decimal): string => (typeof v === 'string' ? v.trim() : v.toFixed());

/**
 * Scale amounts to a pool, exactly (BigInt). When the sum exceeds the pool, each amount becomes
 * floor-to-cents of amount × pool / sum, and the leftover cents go one each to the largest
 * fractional remainders, ties by id ascending (string order, as the legacy service); the result
 * sums to the pool (floored to cents) exactly. When the sum is at most the pool, amounts are
 * returned unchanged (canonical). Rows keep their input order.
 */
export function allocatePool(rows: readonly PoolRow[], pool: string | Decimal): PoolAllocation[] {
  const texts = rows.map((r) => plain(r.amount));
  const poolText = plain(pool);
  for (const t of [...texts, poolText]) {
    if (!/^-?\d+(\.\d+)?$/.test(t)) throw new Error(`allocatePool: not a plain decimal: ${JSON.stringify(t)}`);
  }
  const scale = Math.max(places(poolText), ...texts.map(places));
  const amounts = texts.map((t) => scaled(t, scale));
  const P = scaled(poolText, scale);
  const total = amounts.reduce((s, a) => s + a, 0n);
  const unit = 10n ** BigInt(scale);
  if (total <= P) return rows.map((r, i) => ({ id: r.id, amount: canonicalScaled(amounts[i] as bigint, scale) }));
  // cents_i = floor(A_i * P * 100 / (T * unit)); remainders share the denominator, so compare them as integers.
  const den = total * unit;
  const shares = amounts.map((a) => {
    const num = a * P * 100n;
    return { cents: num / den, remainder: num % den };
  });
  const poolCents = (P * 100n) / unit;
  let leftover = poolCents - shares.reduce((s, x) => s + x.cents, 0n);
  const order = rows.map((r, i) => i).sort((a, b) => {
    const ra = (shares[a] as { remainder: bigint }).remainder;
    const rb = (shares[b] as { remainder: bigint }).remainder;
    if (ra !== rb) return ra > rb ? -1 : 1;
    const ia = (rows[a] as PoolRow).id;
    const ib = (rows[b] as PoolRow).id;
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });
  for (const i of order) {
    if (leftover <= 0n) break;
    (shares[i] as { cents: bigint }).cents += 1n;
    leftover -= 1n;
  }
  return rows.map((r, i) => ({ id: r.id, amount: centsText((shares[i] as { cents: bigint }).cents) }));
}

function canonicalScaled(v: bigint, scale: number): string {
  if (scale === 0) return v.toString();
  const neg = v < 0n;
  const a = (neg ? -v : v).toString().padStart(scale + 1, '0');
  const text = `${a.slice(0, -scale)}.${a.slice(-scale)}`.replace(/\.?0+$/, '');
  return neg && text !== '0' ? `-${text}` : text;
}
