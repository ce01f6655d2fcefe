import DecimalBase from 'decimal.js';
import { parseInput, toCanonical } from './num-text';

/**
 * decimal.js configured like the engine (28 significant digits, ROUND_HALF_EVEN, truncated
 * modulo, never exponent notation) for callers that want Decimal objects; the evaluator itself
 * runs on the faster exact `Num` (num.ts), proven equal by the property tests.
 */
export const Decimal = DecimalBase.clone({
  precision: 28,
  rounding: DecimalBase.ROUND_HALF_EVEN,
  modulo: DecimalBase.ROUND_DOWN,
  toExpNeg: -9e15,
  toExpPos: 9e15,
  maxE: 999_999,
  minE: -9e15,
});
export type Decimal = InstanceType<typeof Decimal>;

/** Plain-notation literal accepted in expressions and plan JSON: digits with an optional fraction. */
export const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/** Canonical string of a Decimal or decimal string: plain notation, no exponent, trailing zeros trimmed, never "-0". */
export function canonical(d: Decimal | string): string {
  if (typeof d === 'string') {
    const n = parseInput(d);
    if (n === undefined) throw new Error(`not a decimal: ${JSON.stringify(d.slice(0, 40))}`);
    return toCanonical(n);
  }
  return d.toFixed();
}

/** Parse an input cell like Python's Decimal(str) (trimmed, optional exponent); undefined when not a finite decimal. */
export function parseInputDecimal(raw: string): Decimal | undefined {
  const n = parseInput(raw);
  return n === undefined ? undefined : new Decimal(toCanonical(n));
}
