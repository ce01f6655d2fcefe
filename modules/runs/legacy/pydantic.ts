import { canonicalDecimal } from '../../core/decimal';
import { JsonNumber, type ExactJson } from './exact-json';

/**
 * The field checks legacy's FastAPI/pydantic v1 models perform, with pydantic's own messages,
 * types and `ctx`, so a legacy-compatible route answers the same 422 `{"detail": [...]}`.
 * Only what legacy's bonus models use: decimal strings (DecimalStr), ints, constrained strings
 * and lists, nested models, and FastAPI's query/path integers.
 */

export type Loc = (string | number)[];
export interface LegacyDetail {
  loc: Loc;
  msg: string;
  type: string;
  ctx?: Record<string, unknown>;
}

/** Collects errors while a body is checked; each check returns undefined when it failed. */
export class Problems {
  readonly list: LegacyDetail[] = [];
  add(loc: Loc, msg: string, type: string, ctx?: Record<string, unknown>): undefined {
    this.list.push(ctx ? { loc, msg, type, ctx } : { loc, msg, type });
    return undefined;
  }
  get any(): boolean {
    return this.list.length > 0;
  }
}

const DECIMAL_RE = /^-?\d+(\.\d+)?$/;
const MAX_DECIMAL_LEN = 60;

export const MISSING = Symbol('missing');
export type Field = ExactJson | typeof MISSING;

/** Python's `type(v).__name__`-ish name, for messages like "object of type 'int' has no len()". */
function pyType(v: ExactJson): string {
  if (v === null) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'str';
  if (v instanceof JsonNumber) return v.integer ? 'int' : 'decimal.Decimal';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

/** The text Python's `str()` gives a JSON number as legacy reads it (int, or Decimal from the token). */
export function pyNumberStr(n: JsonNumber): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([-+]?\d+))?$/.exec(n.token);
  if (!m) return n.token;
  const [, sign = '', int = '', frac = '', exp] = m;
  if (n.integer) return /^0+$/.test(int) ? '0' : `${sign}${int.replace(/^0+(?=\d)/, '')}`;
  // Decimal.__str__: scientific notation when the exponent is positive or the number is tiny.
  let digits = (int + frac).replace(/^0+(?=\d)/, '');
  const e = Number(exp ?? 0) - frac.length;
  if (/^0+$/.test(digits)) digits = '0';
  const adjusted = e + digits.length - 1;
  if (e <= 0 && adjusted >= -6) {
    if (e === 0) return sign + digits;
    const point = digits.length + e;
    return sign + (point > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}` : `0.${'0'.repeat(-point)}${digits}`);
  }
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mant}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
}

/**
 * canonicalDecimal of text already known to be plain notation (DECIMAL_RE), without a Decimal:
 * leading zeros of the integer part and trailing zeros of the fraction dropped, no "-0".
 */
export function canonicalPlainDecimal(text: string): string {
  const negative = text.charCodeAt(0) === 45; // '-'
  const body = negative ? text.slice(1) : text;
  const dot = body.indexOf('.');
  let int = dot === -1 ? body : body.slice(0, dot);
  let frac = dot === -1 ? '' : body.slice(dot + 1);
  let i = 0;
  while (i < int.length - 1 && int.charCodeAt(i) === 48) i++;
  if (i > 0) int = int.slice(i);
  let j = frac.length;
  while (j > 0 && frac.charCodeAt(j - 1) === 48) j--;
  if (j < frac.length) frac = frac.slice(0, j);
  const out = frac === '' ? int : `${int}.${frac}`;
  return out === '0' || !negative ? out : `-${out}`;
}

/** legacy's DecimalStr (decimals.parse_decimal): canonical decimal text, or an error at `loc`. */
export function decimalField(v: Field, loc: Loc, p: Problems, opts: { optional?: boolean; nonNegative?: boolean } = {}): string | null | undefined {
  if (v === MISSING) return opts.optional ? null : p.add(loc, 'field required', 'value_error.missing');
  if (v === null) return opts.optional ? null : p.add(loc, 'none is not an allowed value', 'type_error.none.not_allowed');
  let value: string | undefined;
  if (v instanceof JsonNumber) value = canonicalDecimal(v.token);
  else if (typeof v === 'string') {
    const text = v.trim();
    if (text.length > MAX_DECIMAL_LEN || !DECIMAL_RE.test(text)) return p.add(loc, 'value is not a valid decimal string', 'value_error');
    value = canonicalPlainDecimal(text);
  } else return p.add(loc, 'value is not a valid decimal string', 'type_error');
  if (opts.nonNegative && value.startsWith('-')) return p.add(loc, 'ensure this value is greater than or equal to 0', 'value_error');
  return value;
}

/** pydantic v1 `str` (and constr): numbers become their Python str; lengths count code points. */
export function strField(
  v: Field,
  loc: Loc,
  p: Problems,
  opts: { optional?: boolean; min?: number; max?: number } = {},
): string | null | undefined {
  if (v === MISSING) return opts.optional ? null : p.add(loc, 'field required', 'value_error.missing');
  if (v === null) return opts.optional ? null : p.add(loc, 'none is not an allowed value', 'type_error.none.not_allowed');
  let s: string;
  if (typeof v === 'string') s = v;
  else if (v instanceof JsonNumber) s = pyNumberStr(v);
  else if (typeof v === 'boolean') s = v ? 'True' : 'False';
  else return p.add(loc, 'str type expected', 'type_error.str');
  // Code points: at most the UTF-16 length and at least half of it, so the count is only needed near the bounds.
  const len = s.length <= (opts.max ?? Infinity) && s.length >= 2 * (opts.min ?? 0) ? s.length : [...s].length;
  if (opts.min !== undefined && len < opts.min)
    return p.add(loc, `ensure this value has at least ${opts.min} characters`, 'value_error.any_str.min_length', { limit_value: opts.min });
  if (opts.max !== undefined && len > opts.max)
    return p.add(loc, `ensure this value has at most ${opts.max} characters`, 'value_error.any_str.max_length', { limit_value: opts.max });
  return s;
}

/** Python's int() of a string: optional sign, digits with single underscores, surrounding blanks. */
export function pyIntText(text: string): bigint | undefined {
  const t = text.trim();
  if (!/^[+-]?\d+(_\d+)*$/.test(t)) return undefined;
  return BigInt(t.replace(/_/g, ''));
}

/** pydantic v1 `int`: ints, numbers truncated, bools, integer strings. */
export function intField(v: Field, loc: Loc, p: Problems): bigint | undefined {
  if (v === MISSING) return p.add(loc, 'field required', 'value_error.missing');
  if (v === null) return p.add(loc, 'none is not an allowed value', 'type_error.none.not_allowed');
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (v instanceof JsonNumber) {
    const fixed = canonicalDecimal(v.token);
    return BigInt(fixed.split('.')[0] as string);
  }
  if (typeof v === 'string') {
    const n = pyIntText(v);
    if (n !== undefined) return n;
  }
  return p.add(loc, 'value is not a valid integer', 'type_error.integer');
}

/** A nested model's input: a dict (or what Python's dict() accepts from JSON: a list of pairs). */
export function modelInput(v: Field, loc: Loc, p: Problems): Record<string, ExactJson> | undefined {
  if (v === MISSING) return p.add(loc, 'field required', 'value_error.missing');
  if (v === null) return p.add(loc, 'none is not an allowed value', 'type_error.none.not_allowed');
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof JsonNumber)) return v;
  if (Array.isArray(v)) {
    const out: Record<string, ExactJson> = {};
    for (const pair of v) {
      const kv = typeof pair === 'string' && [...pair].length === 2 ? [...pair] : Array.isArray(pair) && pair.length === 2 ? pair : undefined;
      if (!kv || typeof kv[0] !== 'string') return p.add(loc, 'value is not a valid dict', 'type_error.dict');
      out[kv[0]] = kv[1] as ExactJson;
    }
    return out;
  }
  return p.add(loc, 'value is not a valid dict', 'type_error.dict');
}

/** conlist's length check (a pre-validator: it runs before the items are checked). */
export function listField(v: Field, loc: Loc, p: Problems, opts: { min?: number; max?: number }): ExactJson[] | undefined {
  if (v === MISSING) return p.add(loc, 'field required', 'value_error.missing');
  if (v === null) return undefined;
  if (!Array.isArray(v)) {
    if (typeof v === 'string' || (typeof v === 'object' && !(v instanceof JsonNumber))) return p.add(loc, 'value is not a valid list', 'type_error.list');
    return p.add(loc, 'value is not a valid list', 'type_error.list');
  }
  if (opts.min !== undefined && v.length < opts.min)
    return p.add(loc, `ensure this value has at least ${opts.min} items`, 'value_error.list.min_items', { limit_value: opts.min });
  if (opts.max !== undefined && v.length > opts.max)
    return p.add(loc, `ensure this value has at most ${opts.max} items`, 'value_error.list.max_items', { limit_value: opts.max });
  return v;
}

export { pyType };

/** FastAPI query integer with bounds (limit/offset): Python's int() on the last value sent. */
export function queryInt(
  raw: string | string[] | undefined,
  loc: Loc,
  p: Problems,
  opts: { default: number; ge?: number; le?: number },
): number | undefined {
  if (raw === undefined) return opts.default;
  const text = Array.isArray(raw) ? (raw[raw.length - 1] as string) : raw;
  const n = pyIntText(text);
  if (n === undefined) return p.add(loc, 'value is not a valid integer', 'type_error.integer');
  if (opts.ge !== undefined && n < BigInt(opts.ge))
    return p.add(loc, `ensure this value is greater than or equal to ${opts.ge}`, 'value_error.number.not_ge', { limit_value: opts.ge });
  if (opts.le !== undefined && n > BigInt(opts.le))
    return p.add(loc, `ensure this value is less than or equal to ${opts.le}`, 'value_error.number.not_le', { limit_value: opts.le });
  return Number(n);
}

/** FastAPI path integer (`{id}`): Python's int() of the segment; ids beyond int32 simply match nothing. */
export function pathInt(raw: string | undefined, loc: Loc, p: Problems): number | undefined {
  const n = pyIntText(raw ?? '');
  if (n === undefined) return p.add(loc, 'value is not a valid integer', 'type_error.integer');
  return n > 2147483647n || n < -2147483648n ? 0 : Number(n);
}
