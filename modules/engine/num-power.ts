/**
 * `^` on the engine's exact decimal (num.ts): whole exponents the way Python's libmpdec computes
 * them, any other exponent through exp(y × ln x) in BigInt fixed point, correctly rounded.
 */
import { DslEvaluationError } from './problems';
import { MAX_EXPONENT, MAX_POWER, Num, ONE, PRECISION, ZERO, abs, adjusted, big, cmp, digitCount, isInteger, isZero, p10, round, sign } from './num';
import { toCanonical } from './num-text';
/** Round coef × 10^-s to `digits` significant digits, half-even, without a range check (working precision). */
function roundWorking(coef: bigint, s: number, digits: number): [bigint, number] {
  const a = coef < 0n ? -coef : coef;
  const len = a.toString().length;
  if (len <= digits) return [coef, s];
  const drop = len - digits;
  const unit = p10(drop);
  let q = a / unit;
  const twice = (a - q * unit) * 2n;
  if (twice > unit || (twice === unit && (q & 1n) === 1n)) q += 1n;
  return [coef < 0n ? -q : q, s - drop];
}

/**
 * x ^ y. A whole y (|y| ≤ 1000) is computed the way Python's decimal (libmpdec) does it, so
 * results match it digit for digit: binary exponentiation, most significant bit first, every
 * product rounded half-even to a working precision of 28 + (digits of y) + 2 (one more, and the
 * reciprocal taken first, for a negative y), then one final rounding to 28 digits. The work is
 * bounded (about 20 products of ~35 digits) whatever the operands. Any other y goes through
 * exp(y × ln x), correctly rounded (see powerReal).
 */
export function power(x: Num, n: Num): Num {
  if (cmp(abs(n), new Num(MAX_POWER, 0, null)) > 0) throw new DslEvaluationError(`^: the exponent must be between -${MAX_POWER} and ${MAX_POWER}`);
  if (!isInteger(n)) return powerReal(x, n);
  const e = Number(toCanonical(n));
  if (isZero(x)) {
    if (e === 0) throw new DslEvaluationError('^: 0 ^ 0 is undefined');
    if (e < 0) throw new DslEvaluationError('division by zero');
    return ZERO;
  }
  if (e === 0) return ONE;
  // Range guard before any work: the result's adjusted exponent lies between these.
  const ax = adjusted(x);
  // Stryker disable next-line MethodExpression,ArithmeticOperator: the overflow guard is a prefilter: checkRange after round() raises the same overflow error
  const lo = Math.min(e * ax, e * (ax + 1));
  const hi = Math.max(e * ax, e * (ax + 1));
  if (lo > MAX_EXPONENT) throw new DslEvaluationError('overflow: result exceeds the decimal range');
  if (hi < -MAX_EXPONENT - PRECISION) return ZERO; // underflows to zero (Python does not trap Underflow)
  const m = Math.abs(e);
  // libmpdec's working precision: prec + digits + exponent of the exponent as written, + 2.
  let wp = PRECISION + digitCount(big(n)) - n.s + 2;
  let bc: bigint;
  let bs: number;
  if (e < 0) {
    wp += 1;
    [bc, bs] = reciprocal(x, wp);
  } else {
    bc = big(x);
    bs = x.s;
  }
  let rc = bc;
  let rs = bs;
  for (let bit = 1 << (31 - Math.clz32(m)); (bit >>= 1) > 0; ) {
    [rc, rs] = roundWorking(rc * rc, rs * 2, wp);
    if ((m & bit) !== 0) [rc, rs] = roundWorking(rc * bc, rs + bs, wp);
  }
  return round(rc, rs);
}

/** 1 / x rounded half-even to `digits` significant digits. */
function reciprocal(x: Num, digits: number): [bigint, number] {
  const c = big(x);
  const neg = c < 0n;
  const a = neg ? -c : c;
  const k = digits + 1 + a.toString().length;
  const q = p10(k) / a;
  const sticky = q * a !== p10(k);
  const len = q.toString().length;
  const drop = len - digits;
  const unit = p10(drop);
  let keep = q / unit;
  const twice = (q % unit) * 2n;
  if (twice > unit || (twice === unit && (sticky || (keep & 1n) === 1n))) keep += 1n;
  return [neg ? -keep : keep, k - x.s - drop];
}

// ---------------------------------------------------------------- exp and ln (BigInt fixed point)

/** ln 2 and ln 10 at `w` fractional digits, cached per precision. */
const LN_CACHE = new Map<number, [bigint, bigint]>();

/** 2·atanh(1/q) × 10^w for a whole q ≥ 2 (series in 1/q², exact integer steps). */
function atanhInv(q: bigint, w: number): bigint {
  const one = p10(w);
  const q2 = q * q;
  let term = one / q;
  let sum = 0n;
  for (let k = 1n; term !== 0n; k += 2n) {
    sum += term / k;
    term /= q2;
  }
  return 2n * sum;
}

function lnConstants(w: number): [bigint, bigint] {
  let c = LN_CACHE.get(w);
  if (c === undefined) {
    const ln2 = atanhInv(3n, w + 5) / 100_000n; // ln 2 = 2·atanh(1/3)
    const ln125 = atanhInv(9n, w + 5) / 100_000n; // ln 1.25 = 2·atanh(1/9)
    c = [ln2, 3n * ln2 + ln125]; // ln 10 = 3·ln 2 + ln 1.25
    LN_CACHE.set(w, c);
  }
  return c;
}

/** ln(c × 10^-s) × 10^w for c > 0 (absolute error a few units of 10^-w). */
function lnFixed(c: bigint, s: number, w: number): bigint {
  const [ln2, ln10] = lnConstants(w);
  const one = p10(w);
  const k = c.toString().length - 1 - s; // x = m × 10^k, 1 ≤ m < 10
  // m in fixed point, then halve until it is below 1.5: m = 2^j × r, 0.75 ≤ r < 1.5.
  const digits = c.toString().length;
  let r = digits - 1 <= w ? c * p10(w - (digits - 1)) : c / p10(digits - 1 - w);
  let j = 0n;
  const limit = (one * 3n) / 2n;
  while (r >= limit) {
    r /= 2n;
    j += 1n;
  }
  // ln r = 2·atanh(z), z = (r − 1) / (r + 1), |z| < 0.2.
  const z = ((r - one) * one) / (r + one);
  const z2 = (z * z) / one;
  let term = z;
  let sum = 0n;
  for (let n = 1n; term !== 0n; n += 2n) {
    sum += term / n;
    term = (term * z2) / one;
  }
  return 2n * sum + j * ln2 + BigInt(k) * ln10;
}

/** exp(y / 10^w) as [coefficient, scale] with about w − 10 correct digits; y may be large. */
function expFixed(y: bigint, w: number): [bigint, number] {
  const [, ln10] = lnConstants(w);
  const one = p10(w);
  // y = K·ln 10 + r with |r| ≤ ln 10 / 2; exp(y) = 10^K · exp(r).
  let kk = y / ln10;
  let r = y - kk * ln10;
  if (r * 2n > ln10) {
    kk += 1n;
    r -= ln10;
  } else if (r * 2n < -ln10) {
    kk -= 1n;
    r += ln10;
  }
  // exp(r) = exp(r / 2^12)^(2^12): Taylor on a tiny argument, then 12 squarings.
  const halvings = 12;
  const t = r / 4096n;
  let term = one;
  let sum = one;
  for (let n = 1n; term !== 0n; n += 1n) {
    term = (term * t) / (one * n);
    sum += term;
  }
  for (let i = 0; i < halvings; i++) sum = (sum * sum) / one;
  return [sum, w - Number(kk)];
}

/**
 * x ^ y for a non-integer y: exp(y · ln x) at extended precision, rounded once to 28 digits.
 * The error bound of each attempt is checked against the rounding boundary and the precision
 * doubled when it straddles one (Ziv's strategy), so the result is correctly rounded; Python's
 * decimal computes the same value through ln and exp and agrees with it except, at most by one
 * unit in the last place, when the exact power lies within about 10^-40 of a rounding tie.
 */
function powerReal(x: Num, y: Num): Num {
  if (isZero(x)) {
    if (sign(y) < 0) throw new DslEvaluationError('division by zero');
    return ZERO;
  }
  if (sign(x) < 0) throw new DslEvaluationError('^: a negative number cannot be raised to a non-integer power');
  const c = big(x);
  if (x.s >= 0 && c === p10(x.s)) return ONE; // 1 ^ y
  // Range guard: |y · ln x| beyond the decimal range overflows (or underflows to zero).
  const lnApprox = (adjusted(x) + Math.log10(Number(c.toString().slice(0, 15)) / 10 ** (Math.min(15, c.toString().length) - 1))) * Number(toCanonical(y));
  if (lnApprox > MAX_EXPONENT + 1) throw new DslEvaluationError('overflow: result exceeds the decimal range');
  if (lnApprox < -MAX_EXPONENT - PRECISION - 1) return ZERO;
  const yc = big(y);
  for (let w = 64; ; w *= 2) {
    const lnx = lnFixed(c, x.s, w);
    // y·ln x at w fractional digits: yc × 10^-y.s × lnx.
    const prod = y.s >= 0 ? (yc * lnx) / p10(y.s) : yc * lnx * p10(-y.s);
    const [v, s] = expFixed(prod, w);
    // Error bound: ~10^-(w − 20) relative (y ≤ 1000, |K| ≤ 10^6, 12 squarings, truncations).
    const err = v / p10(w - 20) + 1n;
    const lo = round(v - err, s);
    const hi = round(v + err, s);
    if (cmp(lo, hi) === 0 || w >= 512) return round(v, s);
  }
}
