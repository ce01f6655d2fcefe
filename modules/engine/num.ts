/**
 * The evaluator's exact decimal: value = coefficient × 10^-scale. The coefficient is a JS number
 * while it is a safe integer (|c| ≤ 2^53 − 1: every operation on such values is exact in
 * floating point and checked before use), else a BigInt. Every arithmetic result is rounded to
 * 28 significant digits, half-even, exactly like Python's default decimal context; results with
 * at most 16 digits need no rounding, which is the fast path. Proven equal to decimal.js and to
 * an exact rational reference by the property tests.
 *
 * This file is the kernel (the Num type, rounding, arithmetic, quantize); num-text.ts parses and
 * prints, num-power.ts holds `^` (whole exponents like libmpdec, others through exp/ln). The
 * exported helpers that are not arithmetic (make, round, p10, …) are shared with those two files.
 */
import { DslEvaluationError } from './problems';

export const PRECISION = 28;
export const MAX_EXPONENT = 999_999;
/** Largest |exponent| accepted by `^`. */
export const MAX_POWER = 1000;

const MAX = Number.MAX_SAFE_INTEGER;
const P10N: number[] = Array.from({ length: 16 }, (_, i) => 10 ** i);
const P10B: bigint[] = Array.from({ length: 64 }, (_, i) => 10n ** BigInt(i));
export const p10 = (k: number): bigint => P10B[k] ?? 10n ** BigInt(k);
const LIMIT = p10(PRECISION);

export class Num {
  /** Canonical text, cached: literals and constants are shared Num objects, so their text is too. */
  text: string | undefined = undefined;
  /** c: safe-integer coefficient when b is null; b: BigInt coefficient (|b| > 2^53 − 1) otherwise. */
  constructor(
    readonly c: number,
    readonly s: number,
    readonly b: bigint | null,
  ) {}
}

export const ZERO = new Num(0, 0, null);
export const ONE = new Num(1, 0, null);

export const isZero = (x: Num): boolean => x.b === null && x.c === 0;
// Stryker disable next-line UnaryOperator: narrowing the safe range only sends values at the edge to the exact BigInt path
const isSafe = (x: number) => x <= MAX && x >= -MAX;
export const big = (x: Num): bigint => x.b ?? BigInt(x.c);
export const digitCount = (a: bigint): number => (a < 0n ? -a : a).toString().length;

/** A Num from an exact BigInt coefficient (no rounding). */
export function make(coef: bigint, s: number): Num {
  return coef <= 9007199254740991n && coef >= -9007199254740991n ? new Num(Number(coef), s, null) : new Num(0, s, coef);
}

/** Round coef × 10^-s to 28 significant digits, half-even; overflow beyond Python's Emax is an error. */
export function round(coef: bigint, s: number): Num {
  const a = coef < 0n ? -coef : coef;
  if (a < LIMIT) return checkRange(make(coef, s));
  const drop = a.toString().length - PRECISION;
  const unit = p10(drop);
  let q = a / unit;
  const twice = (a - q * unit) * 2n;
  if (twice > unit || (twice === unit && (q & 1n) === 1n)) q += 1n;
  return checkRange(make(coef < 0n ? -q : q, s - drop));
}

function checkRange(x: Num): Num {
  if (x.s < -(MAX_EXPONENT - 60) && !isZero(x) && digitCount(big(x)) - 1 - x.s > MAX_EXPONENT) {
    throw new DslEvaluationError('overflow: result exceeds the decimal range');
  }
  return x;
}

/** Round num/den × 10^-s (den ≠ 0) to 28 significant digits half-even, exactly. */
export function roundRational(num: bigint, den: bigint, s: number): Num {
  if (num === 0n) return ZERO;
  if (den < 0n) [num, den] = [-num, -den];
  const neg = num < 0n;
  const a = neg ? -num : num;
  // Scale so the integer quotient has at least 29 digits, then round once with a sticky bit.
  const k = PRECISION + 1 + den.toString().length - a.toString().length;
  const n = k >= 0 ? a * p10(k) : a;
  const d = k >= 0 ? den : den * p10(-k);
  const q = n / d;
  const sticky = n % d !== 0n;
  const drop = q.toString().length - PRECISION;
  const unit = p10(drop);
  let keep = q / unit;
  const twice = (q % unit) * 2n;
  if (twice > unit || (twice === unit && (sticky || (keep & 1n) === 1n))) keep += 1n;
  return checkRange(make(neg ? -keep : keep, s + k - drop));
}

// ---------------------------------------------------------------- parsing and printing
// ---------------------------------------------------------------- arithmetic

export const sign = (x: Num): number => (x.b === null ? Math.sign(x.c) : x.b < 0n ? -1 : 1);

/** Exact negation (no rounding): used inside subtraction. */
const negExact = (x: Num): Num => (x.b === null ? new Num(-x.c, x.s, null) : new Num(0, x.s, -x.b));

/** Both coefficients as BigInts on the common (larger) scale. */
function aligned(a: Num, b: Num): [bigint, bigint, number] {
  if (a.s === b.s) return [big(a), big(b), a.s];
  if (a.s > b.s) return [big(a), big(b) * p10(a.s - b.s), a.s];
  return [big(a) * p10(b.s - a.s), big(b), b.s];
}

export function add(a: Num, b: Num): Num {
  // Stryker disable next-line BlockStatement: fast path only: the BigInt code after it gives the same result
  if (a.b === null && b.b === null) {
    if (a.s === b.s) {
      const r = a.c + b.c;
      if (isSafe(r)) return new Num(r, a.s, null);
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: fast path only: the BigInt code after it gives the same result
    } else if (a.s < b.s) {
      const d = b.s - a.s;
      // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: fast path only: the BigInt code after it gives the same result
      if (d < 16) {
        const ac = a.c * (P10N[d] as number);
        const r = ac + b.c;
        if (isSafe(ac) && isSafe(r)) return new Num(r, b.s, null);
      }
    // Stryker disable next-line BlockStatement: fast path only: the BigInt code after it gives the same result
    } else {
      const d = a.s - b.s;
      // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: fast path only: the BigInt code after it gives the same result
      if (d < 16) {
        const bc = b.c * (P10N[d] as number);
        const r = a.c + bc;
        if (isSafe(bc) && isSafe(r)) return new Num(r, a.s, null);
      }
    }
  }
  return addSlow(a, b);
}

/**
 * The exact path of add, with bounded work: when one operand lies wholly below the 29th digit of
 * the other (and below its last digit), it only decides which side of the larger one the sum
 * falls, so it is replaced by ±1 just below that position. Rounding is unchanged, and aligning
 * 10^999999 with 1 no longer builds a million-digit integer.
 */
function addSlow(a: Num, b: Num): Num {
  if (isZero(a)) return round(big(b), b.s);
  if (isZero(b)) return round(big(a), a.s);
  const d = a.s - b.s;
  if (d > 64 || d < -64) {
    const aa = adjusted(a);
    const ab = adjusted(b);
    const [hi, lo, adjHi, adjLo] = aa >= ab ? [a, b, aa, ab] : [b, a, ab, aa];
    const q = Math.min(-hi.s, adjHi - PRECISION - 1);
    if (adjLo < q) {
      const [x, y, s] = aligned(hi, new Num(sign(lo), 1 - q, null));
      return round(x + y, s);
    }
  }
  const [x, y, s] = aligned(a, b);
  return round(x + y, s);
}

export const sub = (a: Num, b: Num): Num => add(a, negExact(b));

export function mul(a: Num, b: Num): Num {
  // Stryker disable next-line BlockStatement: fast path only: the BigInt code after it gives the same result
  if (a.b === null && b.b === null) {
    const p = a.c * b.c;
    if (isSafe(p)) return checkRange(new Num(p, a.s + b.s, null));
  }
  return round(big(a) * big(b), a.s + b.s);
}

export function div(a: Num, b: Num): Num {
  if (isZero(b)) throw new DslEvaluationError('division by zero');
  return roundRational(big(a), big(b), a.s - b.s);
}

/** Compare exactly: -1, 0 or 1. */
export function cmp(a: Num, b: Num): number {
  // Stryker disable next-line BlockStatement: fast path only: the BigInt code after it gives the same result
  if (a.b === null && b.b === null) {
    if (a.s === b.s) return a.c < b.c ? -1 : a.c > b.c ? 1 : 0;
    const d = a.s - b.s;
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator,BlockStatement: fast path only: the BigInt code after it gives the same result
    if (d > 0 && d < 16) {
      const bc = b.c * (P10N[d] as number);
      if (isSafe(bc)) return a.c < bc ? -1 : a.c > bc ? 1 : 0;
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator,UnaryOperator,BlockStatement: fast path only: the BigInt code after it gives the same result
    } else if (d < 0 && d > -16) {
      const ac = a.c * (P10N[-d] as number);
      if (isSafe(ac)) return ac < b.c ? -1 : ac > b.c ? 1 : 0;
    }
  }
  const sa = sign(a);
  const sb = sign(b);
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  // Different positions of the leading digit decide without aligning (bounded work for 10^999999).
  const ea = adjusted(a);
  const eb = adjusted(b);
  if (ea !== eb) return (ea < eb ? -1 : 1) * sa;
  // Clearly different magnitudes decide without BigInt work: each approximation is within a
  // relative 1e-15 of the exact value, far inside the 1e-9 margin required here.
  const fa = approx(a);
  const fb = approx(b);
  // Stryker disable next-line MethodExpression: a margin of 1e-9 × the smaller magnitude is still far above the 1e-15 error of the approximations
  if (Number.isFinite(fa) && Number.isFinite(fb) && fa !== 0 && fb !== 0 && Math.abs(fa - fb) > 1e-9 * Math.max(Math.abs(fa), Math.abs(fb))) return fa < fb ? -1 : 1;
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A double close to x (relative error ~1e-15 while the exponent is in double range). */
// Stryker disable next-line ConditionalExpression,EqualityOperator: a wrong branch gives Number(null) = 0 or x.c = 0, and a zero approximation falls through to the exact comparison
const approx = (x: Num): number => (x.b === null ? x.c : Number(x.b)) / 10 ** x.s;

/** Unary minus and plus, abs: rounded to the context like Python's __neg__, __pos__, __abs__. */
export const neg = (x: Num): Num => (x.b === null ? new Num(-x.c, x.s, null) : round(-x.b, x.s));
export const pos = (x: Num): Num => (x.b === null ? x : round(x.b, x.s));
export const abs = (x: Num): Num => (sign(x) < 0 ? neg(x) : pos(x));

/** Remainder with the sign of the dividend; like Python, an integer quotient over 28 digits is an error. */
export function mod(a: Num, b: Num): Num {
  if (isZero(b)) throw new DslEvaluationError('modulo by zero');
  if (isZero(a)) return ZERO;
  // Decide by leading-digit positions first, so far-apart operands are never aligned.
  const gap = adjusted(a) - adjusted(b);
  if (gap > PRECISION) throw new DslEvaluationError('modulo: quotient exceeds 28 digits');
  if (gap < 0) return round(big(a), a.s);
  const [x, y, s] = aligned(a, b);
  const q = x / y; // truncates toward zero
  if ((q < 0n ? -q : q) >= LIMIT) throw new DslEvaluationError('modulo: quotient exceeds 28 digits');
  return round(x - q * y, s);
}

/** Is x a whole number? */
export function isInteger(x: Num): boolean {
  if (x.s <= 0) return true;
  if (x.b === null) return x.s < 16 ? x.c % (P10N[x.s] as number) === 0 : x.c === 0;
  if (x.s > digitCount(x.b)) return false; // a non-zero coefficient shorter than the scale
  return x.b % p10(x.s) === 0n;
}

/** Adjusted exponent: position of the most significant digit (0 for 1..9). */
export const adjusted = (x: Num): number => digitCount(big(x)) - 1 - x.s;


/** Quantize to dp places half-even (mode 'even') or toward -∞ ('floor'); more than 28 digits is an error, as in Python. */
export function quantize(x: Num, dp: number, name: string, mode: 'even' | 'floor' = 'even'): Num {
  let q: bigint;
  if (x.b === null && x.s > dp && x.s - dp < 16) {
    // Exact in doubles: |c| < 2^53 and unit ≤ 10^15, so r, c − r, the quotient and 2|r| are exact.
    const c = x.c;
    const unit = P10N[x.s - dp] as number;
    const r = c % unit; // sign of c
    let k = (c - r) / unit;
    if (r !== 0) {
      if (mode === 'floor') {
        if (r < 0) k -= 1;
      } else {
        const twice = (r < 0 ? -r : r) * 2;
        if (twice > unit || (twice === unit && k % 2 !== 0)) k += r < 0 ? -1 : 1;
      }
    }
    return new Num(k === 0 ? 0 : k, dp, null);
  }
  if (x.s <= dp) {
    if (isZero(x)) return ZERO;
    if (digitCount(big(x)) + dp - x.s > PRECISION) throw new DslEvaluationError(`${name}: result exceeds ${PRECISION} significant digits`);
    return x;
  }
  // Wholly below a tenth of the unit: 0, or −1 unit when flooring a negative (no huge divisor).
  if (adjusted(x) < -dp - 1) return mode === 'floor' && sign(x) < 0 ? new Num(-1, dp, null) : ZERO;
  const unit = p10(x.s - dp);
  const c = big(x);
  q = c / unit;
  const r = c - q * unit; // sign of c
  if (r !== 0n) {
    if (mode === 'floor') {
      if (r < 0n) q -= 1n;
    } else {
      const twice = (r < 0n ? -r : r) * 2n;
      if (twice > unit || (twice === unit && (q & 1n) !== 0n)) q += r < 0n ? -1n : 1n;
    }
  }
  if (q >= LIMIT || q <= -LIMIT) throw new DslEvaluationError(`${name}: result exceeds ${PRECISION} significant digits`);
  return make(q, dp);
}

/** Floor and ceiling to a whole number (exact). */
export function floor(x: Num): Num {
  if (x.s <= 0) return x;
  if (isZero(x)) return ZERO;
  if (adjusted(x) < 0) return sign(x) < 0 ? new Num(-1, 0, null) : ZERO; // |x| < 1
  const unit = p10(x.s);
  const c = big(x);
  let q = c / unit;
  if (c < 0n && q * unit !== c) q -= 1n;
  return make(q, 0);
}
export const ceil = (x: Num): Num => negExact(floor(negExact(x)));
