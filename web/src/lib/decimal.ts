/**
 * The SPA's one decimal helper: the API sends money and rates as decimal strings, and every screen
 * shows, compares and subtracts them exactly on the strings (BigInt where it must compute), never
 * through a float.
 */

const DEC = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Digits after the decimal point ("100.025" → 3, "12" → 0, not a decimal → 0). */
export function fracDigits(v: string | null | undefined): number {
  const m = v ? DEC.exec(v.trim()) : null;
  return m?.[3]?.length ?? 0;
}

function toScaled(v: string, dp: number): bigint | null {
  const m = DEC.exec(v.trim());
  if (!m) return null;
  const [, sign, int = '0', frac = ''] = m;
  const n = BigInt(int + frac.padEnd(dp, '0').slice(0, dp));
  return sign ? -n : n;
}

function fromScaled(n: bigint, dp: number): string {
  const neg = n < 0n;
  const digits = (neg ? -n : n).toString().padStart(dp + 1, '0');
  const out = dp ? `${digits.slice(0, -dp)}.${digits.slice(-dp)}` : digits;
  return (neg ? '-' : '') + out;
}

/** b − a exactly ("100.02", "100.025" → "0.005"); null when either side is missing or not a decimal. */
export function subtract(a: string | null | undefined, b: string | null | undefined): string | null {
  if (a == null || b == null) return null;
  const dp = Math.max(fracDigits(a), fracDigits(b));
  const x = toScaled(a, dp);
  const y = toScaled(b, dp);
  return x === null || y === null ? null : fromScaled(y - x, dp);
}

/** A ratio as a decimal string ("0.998571") → "99.86%", exact and half-even. */
export function formatRate(rate: string | null | undefined, dp = 2): string {
  if (rate == null) return '—';
  const n = toScaled(rate, fracDigits(rate));
  if (n === null) return rate;
  const shifted = fromScaled(n * 100n, fracDigits(rate));
  return `${formatMoney(shifted, dp)}%`;
}

/** Whether a decimal string is zero ("0", "0.0000"). */
export function isZero(v: string | null | undefined): boolean {
  return v != null && /^-?0*(\.0*)?$/.test(v.trim());
}

/** Decimals shown for a set of values: every digit they have, at least 2 (a money cent), at most 10. */
export function displayDigits(...values: (string | null | undefined)[]): number {
  return Math.min(10, Math.max(2, ...values.map(fracDigits)));
}

/** Fixed-decimal display with the given digits ("—" for null). */
export function formatDecimal(v: string | null | undefined, dp: number): string {
  return formatMoney(v ?? null, dp);
}

/** Fixed-decimal display of a decimal string ("1234.5" → "1,234.50"), rounding half-even on the string. */
export function formatMoney(value: string | null | undefined, dp = 2): string {
  if (value === null || value === undefined || value === '') return '—';
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) return value;
  const [, sign, intPart = '0', frac = ''] = m;
  let digits = (intPart + frac.padEnd(dp, '0').slice(0, dp)).replace(/^0+(?=\d)/, '');
  const rest = frac.slice(dp);
  if (rest && (rest[0]! > '5' || (rest[0] === '5' && (/[1-9]/.test(rest.slice(1)) || Number(digits.at(-1)) % 2 === 1)))) {
    digits = (BigInt(digits) + 1n).toString();
  }
  digits = digits.padStart(dp + 1, '0');
  const i = digits.slice(0, digits.length - dp);
  const f = digits.slice(digits.length - dp);
  const grouped = i.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const isZero = /^[0,]*$/.test(grouped) && /^0*$/.test(f);
  return `${sign && !isZero ? '−' : ''}${grouped}${dp ? `.${f}` : ''}`;
}
