import DecimalBase from 'decimal.js';
import { DslEvaluationError } from './problems';

/** Significant digits of every arithmetic result, as Python's default decimal context. */
export const PRECISION = 28;
/** Largest adjusted exponent (Python's default Emax). */
export const MAX_EXPONENT = 999_999;

/**
 * The engine's Decimal: 28 significant digits, ROUND_HALF_EVEN, truncated modulo (sign of the
 * dividend), never exponent notation in toString. Constructing from a string is exact, like
 * Python's Decimal(str); only operations round.
 */
export const Decimal = DecimalBase.clone({
  precision: PRECISION,
  rounding: DecimalBase.ROUND_HALF_EVEN,
  modulo: DecimalBase.ROUND_DOWN,
  toExpNeg: -9e15,
  toExpPos: 9e15,
  maxE: MAX_EXPONENT,
  minE: -9e15,
});
export type Decimal = InstanceType<typeof Decimal>;

export const ZERO = new Decimal(0);
export const ONE = new Decimal(1);
export const HUNDRED = new Decimal(100);

/** Plain-notation literal accepted in expressions and plan JSON: digits with an optional fraction. */
export const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;
/** Values accepted for input cells: what Python's Decimal(str) accepts for finite numbers. */
const INPUT_DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Canonical string: plain notation, no exponent, trailing zeros trimmed, never "-0". */
export function canonical(d: Decimal): string {
  return d.toFixed();
}

/** Parse an input cell (trimmed, optional exponent like Python); undefined when not a finite decimal. */
export function parseInputDecimal(raw: string): Decimal | undefined {
  const s = raw.trim();
  if (!INPUT_DECIMAL.test(s)) return undefined;
  const d = new Decimal(s);
  return d.isFinite() ? d : undefined;
}

/** Guard every arithmetic result: decimal.js turns overflow into Infinity, Python raises. */
export function finite(d: Decimal): Decimal {
  if (!d.isFinite()) throw new DslEvaluationError('overflow: result exceeds the decimal range');
  return d;
}

/** Round to the context (28 significant digits, half-even), as Python does for unary +, - and abs. */
export function toContext(d: Decimal): Decimal {
  return d.toSignificantDigits(PRECISION, Decimal.ROUND_HALF_EVEN);
}

export function add(a: Decimal, b: Decimal): Decimal {
  return finite(a.plus(b));
}
export function sub(a: Decimal, b: Decimal): Decimal {
  return finite(a.minus(b));
}
export function mul(a: Decimal, b: Decimal): Decimal {
  return finite(a.times(b));
}
export function div(a: Decimal, b: Decimal): Decimal {
  if (b.isZero()) throw new DslEvaluationError('division by zero');
  return finite(a.div(b));
}

const LIMIT = new Decimal(10).pow(PRECISION);

/** Remainder with the sign of the dividend; like Python, an integer quotient over 28 digits is an error. */
export function mod(a: Decimal, b: Decimal): Decimal {
  if (b.isZero()) throw new DslEvaluationError('modulo by zero');
  if (a.abs().gte(b.abs().times(LIMIT))) throw new DslEvaluationError('modulo: quotient exceeds 28 digits');
  return finite(a.mod(b));
}

/** Largest |exponent| accepted by `^`. */
export const MAX_POWER = 1000;

function coefficient(d: Decimal): { int: bigint; scale: number } {
  // d = int * 10^-scale, exactly.
  const s = d.toFixed();
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s;
  const dot = body.indexOf('.');
  const digits = dot < 0 ? body : body.slice(0, dot) + body.slice(dot + 1);
  const scale = dot < 0 ? 0 : body.length - dot - 1;
  const int = BigInt(digits);
  return { int: neg ? -int : int, scale };
}

const digitCount = (n: bigint): number => (n === 0n ? 1 : n.toString().length);
const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Round num/den * 10^exp10 (den > 0) to 28 significant digits half-even, exactly. */
export function fromRational(num: bigint, den: bigint, exp10: number): Decimal {
  if (num === 0n) return ZERO;
  const neg = num < 0n;
  const a = neg ? -num : num;
  // Scale so the integer quotient has at least PRECISION + 1 digits.
  const k = PRECISION + 1 + digitCount(den) - digitCount(a);
  const n = k >= 0 ? a * pow10(k) : a;
  const d = k >= 0 ? den : den * pow10(-k);
  const q = n / d;
  const sticky = n % d !== 0n;
  const extra = digitCount(q) - PRECISION;
  const unit = pow10(extra);
  let keep = q / unit;
  const rem = (q % unit) * 2n;
  if (rem > unit || (rem === unit && (sticky || keep % 2n === 1n))) keep += 1n;
  const result = new Decimal(`${neg ? '-' : ''}${keep}e${exp10 - k + extra}`);
  return finite(result);
}

/**
 * x ^ n for an integer n with |n| <= 1000: computed exactly with BigInt, then rounded once
 * (Python's decimal gives the correctly rounded result for integer powers). Non-integer
 * exponents are an error: their results are not reproducible digit for digit across engines.
 */
export function power(x: Decimal, n: Decimal): Decimal {
  if (!n.isInteger()) throw new DslEvaluationError('^: the exponent must be a whole number');
  if (n.abs().gt(MAX_POWER)) throw new DslEvaluationError(`^: the exponent must be between -${MAX_POWER} and ${MAX_POWER}`);
  const e = n.toNumber();
  if (x.isZero()) {
    if (e === 0) throw new DslEvaluationError('^: 0 ^ 0 is undefined');
    if (e < 0) throw new DslEvaluationError('division by zero');
    return ZERO;
  }
  if (e === 0) return ONE;
  // Range guard before any big-integer work: the result's adjusted exponent lies between these.
  const lo = Math.min(e * x.e, e * (x.e + 1));
  const hi = Math.max(e * x.e, e * (x.e + 1));
  if (lo > MAX_EXPONENT) throw new DslEvaluationError('overflow: result exceeds the decimal range');
  if (hi < -MAX_EXPONENT - PRECISION) return ZERO; // underflows to zero, as Python (Underflow is not trapped)
  const { int, scale } = coefficient(x);
  const p = int ** BigInt(Math.abs(e));
  const s = scale * Math.abs(e);
  return e > 0 ? fromRational(p, 1n, -s) : fromRational(p < 0n ? -pow10(s) : pow10(s), p < 0n ? -p : p, 0);
}

/** Quantize to dp decimal places half-even; like Python's quantize, more than 28 digits is an error. */
export function roundTo(x: Decimal, dp: number, name: string): Decimal {
  const r = x.toDecimalPlaces(dp, Decimal.ROUND_HALF_EVEN);
  if (!r.isZero() && r.e + 1 + dp > PRECISION) throw new DslEvaluationError(`${name}: result exceeds ${PRECISION} significant digits`);
  return r;
}
