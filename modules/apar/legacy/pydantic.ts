/**
 * Legacy's request validation (FastAPI on pydantic v1), reproduced for the AP/AR bodies and query
 * strings: same order, locations, messages, types and ctx, so a 422 from fig is byte-equal to
 * legacy's. Non-integer JSON numbers keep their exact token (legacy parses them as Decimal).
 */

import { Decimal, canonicalDecimal } from '../../core/decimal';

export interface PydanticError {
  loc: Array<string | number>;
  msg: string;
  type: string;
  ctx?: Record<string, unknown>;
}

/** A non-integer JSON number, as its exact source token. */
export class ExactNumber {
  constructor(public readonly text: string) {}
}

const MARK = '\u0000num:';

/** JSON.parse where numbers with a fraction or exponent come back as ExactNumber (never a float). */
export function parseExactJson(text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
      const token = m ? m[0] : ch;
      out += m && (m[1] || m[2]) ? JSON.stringify(MARK + token) : token;
      i += token.length;
    } else {
      out += ch;
      i++;
    }
  }
  return JSON.parse(out, (_k, v: unknown) =>
    typeof v === 'string' && v.startsWith(MARK) ? new ExactNumber(v.slice(MARK.length)) : v,
  );
}

export type Check = (value: unknown, loc: Array<string | number>, errors: PydanticError[]) => unknown;

const err = (
  errors: PydanticError[],
  loc: Array<string | number>,
  msg: string,
  type: string,
  ctx?: Record<string, unknown>,
) => {
  errors.push(ctx ? { loc, msg, type, ctx } : { loc, msg, type });
  return undefined;
};

/** constr: str (numbers are coerced like pydantic v1), optional strip, length bounds, regex. */
export function str(opts: { min?: number; max?: number; strip?: boolean; regex?: string } = {}): Check {
  return (value, loc, errors) => {
    let s: string;
    if (typeof value === 'string') s = value;
    else if (typeof value === 'number' || value instanceof ExactNumber)
      s = value instanceof ExactNumber ? value.text : String(value);
    else return err(errors, loc, 'str type expected', 'type_error.str');
    if (opts.strip) s = s.trim();
    if (opts.min !== undefined && s.length < opts.min)
      return err(
        errors,
        loc,
        `ensure this value has at least ${opts.min} characters`,
        'value_error.any_str.min_length',
        { limit_value: opts.min },
      );
    if (opts.max !== undefined && s.length > opts.max)
      return err(
        errors,
        loc,
        `ensure this value has at most ${opts.max} characters`,
        'value_error.any_str.max_length',
        { limit_value: opts.max },
      );
    if (opts.regex !== undefined && !new RegExp(opts.regex).test(s))
      return err(errors, loc, `string does not match regex "${opts.regex}"`, 'value_error.str.regex', {
        pattern: opts.regex,
      });
    return s;
  };
}

/** int (pydantic v1 coerces numeric strings and truncates floats). */
export const int: Check = (value, loc, errors) => {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (value instanceof ExactNumber) return Math.trunc(Number(value.text));
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number(value);
  return err(errors, loc, 'value is not a valid integer', 'type_error.integer');
};

/** date: YYYY-MM-DD (a real calendar day). */
export const date: Check = (value, loc, errors) => {
  if (typeof value === 'string') {
    const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
    if (m) {
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const dt = new Date(Date.UTC(y, mo - 1, d));
      if (dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d)
        return dt.toISOString().slice(0, 10);
    }
  }
  return err(errors, loc, 'invalid date format', 'value_error.date');
};

const DECIMAL_RE = /^-?\d+(\.\d+)?$/;

/** legacy's DecimalStr followed by its `_positive` validator. */
export const positiveDecimal: Check = (value, loc, errors) => {
  let text: string;
  if (typeof value === 'boolean')
    return err(errors, loc, 'value is not a valid decimal string', 'type_error');
  if (value instanceof ExactNumber) text = value.text;
  else if (typeof value === 'number' && Number.isInteger(value)) text = String(value);
  else if (typeof value === 'string') {
    text = value.trim();
    if (text.length > 60 || !DECIMAL_RE.test(text))
      return err(errors, loc, 'value is not a valid decimal string', 'value_error');
  } else return err(errors, loc, 'value is not a valid decimal string', 'type_error');
  const d = new Decimal(text);
  if (d.lte(0)) return err(errors, loc, 'ensure this value is greater than 0', 'value_error');
  return canonicalDecimal(d);
};

export interface Field {
  name: string;
  check: Check;
  required?: boolean;
  /** Default when absent (pydantic fills it without validating). */
  default?: unknown;
  /** null is allowed (Optional[...]). */
  nullable?: boolean;
}

/** A pydantic model: fields validated in declaration order; absent optional fields take their default. */
export function model(fields: Field[]): Check {
  return (value, loc, errors) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof ExactNumber)
      return err(errors, loc, 'value is not a valid dict', 'type_error.dict');
    const obj = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const v = obj[f.name];
      if (v === undefined) {
        if (f.required) err(errors, [...loc, f.name], 'field required', 'value_error.missing');
        else out[f.name] = f.default ?? null;
      } else if (v === null) {
        if (f.nullable) out[f.name] = null;
        else err(errors, [...loc, f.name], 'none is not an allowed value', 'type_error.none.not_allowed');
      } else out[f.name] = f.check(v, [...loc, f.name], errors);
    }
    return out;
  };
}

/** conlist(item, min_items, max_items). */
export function list(item: Check, min: number, max: number): Check {
  return (value, loc, errors) => {
    if (!Array.isArray(value)) return err(errors, loc, 'value is not a valid list', 'type_error.list');
    if (value.length < min)
      return err(errors, loc, `ensure this value has at least ${min} items`, 'value_error.list.min_items', {
        limit_value: min,
      });
    if (value.length > max)
      return err(errors, loc, `ensure this value has at most ${max} items`, 'value_error.list.max_items', {
        limit_value: max,
      });
    return value.map((v, i) => item(v, [...loc, i], errors));
  };
}

/** An int query parameter with bounds, like FastAPI's Query(ge=, le=). */
export function boundedInt(min: number, max?: number): Check {
  return (value, loc, errors) => {
    const n = int(value, loc, errors) as number | undefined;
    if (n === undefined) return undefined;
    if (n < min)
      return err(
        errors,
        loc,
        `ensure this value is greater than or equal to ${min}`,
        'value_error.number.not_ge',
        { limit_value: min },
      );
    if (max !== undefined && n > max)
      return err(
        errors,
        loc,
        `ensure this value is less than or equal to ${max}`,
        'value_error.number.not_le',
        { limit_value: max },
      );
    return n;
  };
}
