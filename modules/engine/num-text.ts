/**
 * Parsing and printing of the engine's exact decimal (num.ts): literals and input cells in,
 * canonical text out (plain notation, trailing zeros trimmed, no -0), and small whole numbers as
 * JS integers for function arguments.
 */
import { Num, isInteger, make } from './num';
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


/** Number of decimal places as a JS integer when x is a small whole number, else undefined. */
export function smallInteger(x: Num, min: number, max: number): number | undefined {
  if (!isInteger(x)) return undefined;
  const v = Number(toCanonical(x));
  return v >= min && v <= max ? v : undefined;
}

