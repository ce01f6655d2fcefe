import DecimalBase from 'decimal.js';

/**
 * The one decimal type for money and rates outside the engine (the engine has its own exact
 * num.ts: docs/adr/0005-bounded-evaluation.md). decimal.js's default context keeps 20 significant
 * digits, which silently rounds sums of numeric(38,10) values; this one keeps 60 (38 + 10 digits fit
 * with room for products), rounds half-even like the engine and legacy's Python, and prints plain
 * notation (no exponent) for every value a numeric(38,10) column can hold.
 */
export const Decimal = DecimalBase.clone({
  precision: 60,
  rounding: DecimalBase.ROUND_HALF_EVEN,
  toExpNeg: -60,
  toExpPos: 60,
});
export type Decimal = DecimalBase;

/** Canonical decimal text: plain notation, trailing zeros trimmed, no `-0`. */
export function canonicalDecimal(value: DecimalBase.Value): string {
  const text = new Decimal(value).toFixed();
  return text === '-0' ? '0' : text;
}

/** Exact sum of decimal strings, as canonical text. */
export function sumDecimals(values: readonly string[]): string {
  return canonicalDecimal(values.reduce((acc, v) => acc.plus(v), new Decimal(0)));
}

/** -1, 0 or 1 as a < b, a = b, a > b (exact). */
export function compareDecimals(a: string, b: string): number {
  return new Decimal(a).comparedTo(b);
}
