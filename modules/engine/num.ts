/**
 * The evaluator's exact decimal: value = coefficient × 10^-scale. The coefficient is a JS number
 * while it is a safe integer (|c| ≤ 2^53 − 1: every operation on such values is exact in
 * floating point and checked before use), else a BigInt. Every arithmetic result is rounded to
 * 28 significant digits, half-even, exactly like Python's default decimal context; results with
 * at most 16 digits need no rounding, which is the fast path. Proven equal to decimal.js and to
 * an exact rational reference by the property tests.
 */
import { DslEvaluationError } from './problems';

export const PRECISION = 28;
export const MAX_EXPONENT = 999_999;
/** Largest |exponent| accepted by `^`. */
export const MAX_POWER = 1000;

const MAX = Number.MAX_SAFE_INTEGER;
const P10N: number[] = Array.from({ length: 16 }, (_, i) => 10 ** i);
const P10B: bigint[] = Array.from({ length: 64 }, (_, i) => 10n ** BigInt(i));
const p10 = (k: number): bigint => P10B[k] ?? 10n ** BigInt(k);
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
const big = (x: Num): bigint => x.b ?? BigInt(x.c);
const digitCount = (a: bigint): number => (a < 0n ? -a : a).toString().length;

/** A Num from an exact BigInt coefficient (no rounding). */
function make(coef: bigint, s: number): Num {
  return coef <= 9007199254740991n && coef >= -9007199254740991n ? new Num(Number(coef), s, null) : new Num(0, s, coef);
}

/** Round coef × 10^-s to 28 significant digits, half-even; overflow beyond Python's Emax is an error. */
function round(coef: bigint, s: number): Num {
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

const PLAIN = /^-?\d+(\.\d+)?$/;
const INPUT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
/** Largest |exponent| accepted in an input cell written with exponent notation. */
export const MAX_INPUT_EXPONENT = 1000;

/** Fast path: plain decimal with at most 15 digits, parsed without allocating; undefined otherwise. */
// Stryker disable next-line BlockStatement: parseShort is a fast path: returning undefined hands every text to the exact regex parser
function parseShort(text: string): Num | undefined {
  const n = text.length;
  let i = 0;
  let neg = false;
  // Stryker disable next-line BlockStatement: without the sign branch a leading '-' makes parseShort return undefined: the slow parser handles it
  if (text.charCodeAt(0) === 45) {
    neg = true;
    i = 1;
  }
  if (i >= n) return undefined;
  let c = 0;
  let digits = 0;
  let dot = -1;
  // Stryker disable next-line UpdateOperator: i-- reads charCodeAt(-1) = NaN and returns undefined: the slow parser handles the text
  for (; i < n; i++) {
    const ch = text.charCodeAt(i);
    if (ch >= 48 && ch <= 57) {
      c = c * 10 + (ch - 48);
      digits++;
    } else if (ch === 46 && dot < 0 && digits > 0 && i + 1 < n) dot = i;
    else return undefined;
  }
  if (digits > 15) return undefined;
  return new Num(neg ? -c : c, dot < 0 ? 0 : n - dot - 1, null);
}

/** Parse a plain literal ("-12.50"): exact. */
export function parsePlain(text: string): Num {
  const short = parseShort(text);
  if (short !== undefined) return short;
  if (!PLAIN.test(text)) throw new Error(`not a plain decimal: ${text}`);
  const neg = text.charCodeAt(0) === 45;
  const dot = text.indexOf('.');
  const body = neg ? text.slice(1) : text;
  const digits = dot < 0 ? body : body.replace('.', '');
  const s = dot < 0 ? 0 : text.length - dot - 1;
  return fromDigits(neg, digits, s);
}

function fromDigits(neg: boolean, digits: string, s: number): Num {
  // Stryker disable next-line BlockStatement: Number and BigInt+make give the same Num for at most 15 digits
  if (digits.length <= 15) {
    const c = Number(digits);
    return new Num(neg ? -c : c, s, null);
  }
  const b = BigInt(digits);
  return make(neg ? -b : b, s);
}

/** Parse an input cell like Python's Decimal(str) for finite values (trimmed, optional exponent). */
export function parseInput(raw: string): Num | undefined {
  const short = parseShort(raw);
  if (short !== undefined) return short;
  const text = raw.trim();
  if (PLAIN.test(text)) return parsePlain(text);
  const m = INPUT.exec(text);
  if (m === null) return undefined;
  const [, sign = '', int = '', frac = '', exp = '0'] = m;
  if (int === '' && frac === '') return undefined;
  const e = Number(exp);
  if (!Number.isSafeInteger(e) || Math.abs(e) > MAX_INPUT_EXPONENT) return undefined;
  return fromDigits(sign === '-', (int + frac).replace(/^0+(?=\d)/, '') || '0', frac.length - e);
}

/** Canonical string: plain notation, no exponent, trailing zeros trimmed, never "-0". */
export function toCanonical(x: Num): string {
  return x.text ?? (x.text = x.b === null ? cachedText(x.c, x.s) : formatBig(x.b, x.s));
}

// A small direct-mapped cache of recent texts: values that recur across rows (rates, factors,
// round amounts) share one string instead of formatting and keeping a copy per row.
const CACHE_SIZE = 4096;
const cacheC = new Float64Array(CACHE_SIZE).fill(Number.NaN);
const cacheS = new Int32Array(CACHE_SIZE);
const cacheText: string[] = new Array<string>(CACHE_SIZE).fill('');

function cachedText(c: number, s: number): string {
  // ToInt32 of c (a cheap, exact-enough hash: equal values hash alike; no floating-point modulo).
  const h = (Math.imul(c | 0, 0x9e3779b1) ^ (c / 4294967296) ^ s) & (CACHE_SIZE - 1);
  if (cacheC[h] === c && cacheS[h] === s) return cacheText[h] as string;
  const text = formatSmall(c, s);
  cacheC[h] = c;
  cacheS[h] = s;
  cacheText[h] = text;
  return text;
}

/** Longest text formatSmall builds itself; longer ones (large scales) go through formatBig. */
const MAX_SMALL_TEXT = 24;
/** Scratch buffers: the digits of |c| and the characters of the text being built. */
const DIGITS = new Uint8Array(16);
const OUT = new Uint8Array(MAX_SMALL_TEXT);

/**
 * Text of a safe-integer coefficient with the same result as formatBig, without BigInt or
 * String(number) (a runtime call through V8's number-string cache, several hundred ns): the
 * digits are written into a scratch buffer and the text is made by one String.fromCharCode, a
 * single flat string with no intermediate strings to collect.
 */
function formatSmall(c: number, s: number): string {
  if (c === 0) return '0';
  const negative = c < 0;
  const a = negative ? -c : c;
  // Split into two int32 halves (a < 2^53 < 10^16): exact, and the digit loops stay in int32.
  let hi = Math.floor(a / 100_000_000);
  let lo = a - hi * 100_000_000;
  const d = DIGITS;
  // The digits end at position 16 and start at p.
  let p = 16;
  if (hi === 0) {
    while (lo > 0) {
      d[--p] = 48 + (lo % 10);
      lo = (lo / 10) | 0;
    }
  } else {
    for (let k = 0; k < 8; k++) {
      d[--p] = 48 + (lo % 10);
      lo = (lo / 10) | 0;
    }
    while (hi > 0) {
      d[--p] = 48 + (hi % 10);
      hi = (hi / 10) | 0;
    }
  }
  // Trailing zeros of the fraction are not printed.
  let end = 16;
  let scale = s;
  while (scale > 0 && d[end - 1] === 48) {
    end--;
    scale--;
  }
  const kept = end - p;
  const length = (negative ? 1 : 0) + (scale <= 0 ? kept - scale : kept > scale ? kept + 1 : scale + 2);
  if (length > MAX_SMALL_TEXT) return formatBig(BigInt(c), s);
  const o = OUT;
  let i = 0;
  if (negative) o[i++] = 45;
  if (scale <= 0) {
    for (let j = p; j < end; j++) o[i++] = d[j] as number;
    for (let j = 0; j < -scale; j++) o[i++] = 48;
  } else if (kept > scale) {
    const point = end - scale;
    for (let j = p; j < point; j++) o[i++] = d[j] as number;
    o[i++] = 46;
    for (let j = point; j < end; j++) o[i++] = d[j] as number;
  } else {
    o[i++] = 48;
    o[i++] = 46;
    for (let j = kept; j < scale; j++) o[i++] = 48;
    for (let j = p; j < end; j++) o[i++] = d[j] as number;
  }
  return fromBytes(length);
}

const F = String.fromCharCode;
/** OUT seen with its 24 positions as plain number fields (each is in range). */
type Bytes24 = Record<0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16 | 17 | 18 | 19 | 20 | 21 | 22 | 23, number>;

/** The first `n` (1 to 24) bytes of OUT as one string: one call with that many arguments. */
function fromBytes(n: number): string {
  const o = OUT as unknown as Bytes24;
  switch (n) {
    case 1: return F(o[0]);
    case 2: return F(o[0], o[1]);
    case 3: return F(o[0], o[1], o[2]);
    case 4: return F(o[0], o[1], o[2], o[3]);
    case 5: return F(o[0], o[1], o[2], o[3], o[4]);
    case 6: return F(o[0], o[1], o[2], o[3], o[4], o[5]);
    case 7: return F(o[0], o[1], o[2], o[3], o[4], o[5], o[6]);
    case 8: return F(o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7]);
    case 9: return F(o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8]);
    case 10: return F(o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9]);
    case 11: return F(o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10]);
    case 12: return F(o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10], o[11]);
    case 13: return F(o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10], o[11], o[12]);
    case 14: return F(o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10], o[11], o[12], o[13]);
    case 15: return F(o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10], o[11], o[12], o[13], o[14]);
    case 16: return F(o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10], o[11], o[12], o[13], o[14], o[15]);
    case 17: return F(o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10], o[11], o[12], o[13], o[14], o[15], o[16]);
    case 18: return F(o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10], o[11], o[12], o[13], o[14], o[15], o[16], o[17]);
    case 19: return F(o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10], o[11], o[12], o[13], o[14], o[15], o[16], o[17], o[18]);
    case 20: return F(o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10], o[11], o[12], o[13], o[14], o[15], o[16], o[17], o[18], o[19]);
    case 21: return F(o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10], o[11], o[12], o[13], o[14], o[15], o[16], o[17], o[18], o[19], o[20]);
    case 22: return F(o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10], o[11], o[12], o[13], o[14], o[15], o[16], o[17], o[18], o[19], o[20], o[21]);
    case 23: return F(o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10], o[11], o[12], o[13], o[14], o[15], o[16], o[17], o[18], o[19], o[20], o[21], o[22]);
    case 24: return F(o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10], o[11], o[12], o[13], o[14], o[15], o[16], o[17], o[18], o[19], o[20], o[21], o[22], o[23]);
    default: throw new Error(`fromBytes: ${n} characters`);
  }
}

function formatBig(coef: bigint, s: number): string {
  const neg = coef < 0n;
  const digits = (neg ? -coef : coef).toString();
  let text: string;
  if (s <= 0) text = s === 0 ? digits : digits + '0'.repeat(-s);
  else {
    let end = digits.length;
    let scale = s;
    while (scale > 0 && digits.charCodeAt(end - 1) === 48) {
      end--;
      scale--;
    }
    const kept = digits.slice(0, end);
    if (scale === 0) text = kept;
    else if (kept.length > scale) text = `${kept.slice(0, kept.length - scale)}.${kept.slice(kept.length - scale)}`;
    else text = `0.${'0'.repeat(scale - kept.length)}${kept}`;
  }
  return neg ? `-${text}` : text;
}

// ---------------------------------------------------------------- arithmetic

const sign = (x: Num): number => (x.b === null ? Math.sign(x.c) : x.b < 0n ? -1 : 1);

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
const adjusted = (x: Num): number => digitCount(big(x)) - 1 - x.s;

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

/** Number of decimal places as a JS integer when x is a small whole number, else undefined. */
export function smallInteger(x: Num, min: number, max: number): number | undefined {
  if (!isInteger(x)) return undefined;
  const v = Number(toCanonical(x));
  return v >= min && v <= max ? v : undefined;
}
