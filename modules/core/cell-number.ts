/**
 * How a spreadsheet cell reads as a number: the one rule of type sniffing (modules/storage), of
 * mapping rows to plan inputs (the runs pipeline's threads, ADR 0029) and of the SQL
 * storage.to_decimal (migration 0082, which mirrors it; a test holds them equal):
 * - spaces, apostrophes and currency signs ($ € £ ¥) are dropped; a trailing % divides by 100;
 * - with both `,` and `.`, the last one is the decimal mark and the other groups thousands
 *   (`1.234,56` and `1,234.56` are both 1234.56);
 * - with only commas: one comma followed by other than exactly three digits, or after a zero, is a
 *   decimal comma (`12,5`, `1234,56`, `0,075`); otherwise commas group thousands (`1,234`, `1,234,567`, `1,23,456`);
 * - with only dots: several dots group thousands (`1.234.567`); one dot is the decimal point.
 */
const PLAIN = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;
const DOT_GROUPS_COMMA_MARK = /^[-+]?\d{1,3}(\.\d{3})+,\d*$/;
const COMMA_GROUPS_DOT_MARK = /^[-+]?\d{1,3}(,\d{2,3})+\.\d*$/;
const COMMA_MARK = /^[-+]?\d*,\d+$/;
const COMMA_GROUPS = /^[-+]?\d{1,3}(,\d{2,3})+$/;
const DOT_GROUPS = /^[-+]?\d{1,3}(\.\d{3}){2,}$/;
/** Most cells: digits with an optional fraction, nothing to drop (the fast path of cellDecimal). */
const SIMPLE = /^-?\d{1,30}(\.\d{1,20})?$/;

/** The cell as a plain decimal string (sign, digits, optional `.` fraction; `%` not yet applied), or undefined. */
export function plainNumber(raw: string): { text: string; percent: boolean } | undefined {
  let s = raw.replace(/[\s$€£¥']/g, '');
  const percent = s.endsWith('%');
  if (percent) s = s.slice(0, -1);
  if (s.length > 60) return undefined;
  const comma = s.lastIndexOf(',');
  const dot = s.lastIndexOf('.');
  if (comma >= 0 && dot >= 0) {
    if (comma > dot) s = DOT_GROUPS_COMMA_MARK.test(s) ? s.replace(/\./g, '').replace(',', '.') : '';
    else s = COMMA_GROUPS_DOT_MARK.test(s) ? s.replace(/,/g, '') : '';
  } else if (comma >= 0) {
    if (COMMA_MARK.test(s) && (!/,\d{3}$/.test(s) || /^[-+]?0*,/.test(s))) s = s.replace(',', '.');
    else s = COMMA_GROUPS.test(s) ? s.replace(/,/g, '') : '';
  } else if (DOT_GROUPS.test(s)) s = s.replace(/\./g, '');
  return PLAIN.test(s) ? { text: s, percent } : undefined;
}

/** `[-+]digits[.digits]` (÷ 100 when `percent`) as Postgres prints `trim_scale(x::numeric)::text`. */
function canonical(text: string, percent: boolean): string {
  let s = text;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  const dot = s.indexOf('.');
  let int = dot === -1 ? s : s.slice(0, dot);
  let frac = dot === -1 ? '' : s.slice(dot + 1);
  if (percent) {
    int = int.padStart(2, '0');
    frac = int.slice(-2) + frac;
    int = int.slice(0, -2);
  }
  int = int.replace(/^0+/, '') || '0';
  frac = frac.replace(/0+$/, '');
  if (int === '0' && frac === '') return '0';
  return `${negative ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/**
 * The cell as canonical decimal text (what storage.to_decimal returns: plain notation, trailing
 * zeros trimmed, no `-0`), or null when it is not a number.
 */
export function cellDecimal(raw: string): string | null {
  if (SIMPLE.test(raw)) return canonical(raw, false);
  const p = plainNumber(raw);
  return p ? canonical(p.text, p.percent) : null;
}

/** The cell as a JS number (for sniffing sample values only; money is never a JS number), or undefined. */
export function readCellNumber(raw: string): number | undefined {
  const p = plainNumber(raw.trim());
  if (!p) return undefined;
  const n = Number(p.text);
  if (!Number.isFinite(n)) return undefined;
  return p.percent ? n / 100 : n;
}

/** Whether the cell reads as a number under the rule above. */
export const isCellNumber = (raw: string) => plainNumber(raw.trim()) !== undefined;

/** Counts of one column's cells, taken while parsing (ADR 0029): what a validation can fault. */
export interface ColumnStats {
  /** Blank after trimming. */
  empty: number;
  /** Not blank and not a number. */
  nan: number;
  /** Numbers below zero. */
  negative: number;
  /** Numbers whose absolute value is above 1. */
  beyond_one: number;
}

export const emptyStats = (): ColumnStats => ({ empty: 0, nan: 0, negative: 0, beyond_one: 0 });

/** Count one cell into its column's stats. */
export function countCell(stats: ColumnStats, raw: string): void {
  if (raw.trim() === '') {
    stats.empty++;
    return;
  }
  const d = cellDecimal(raw);
  if (d === null) {
    stats.nan++;
    return;
  }
  const negative = d.charCodeAt(0) === 45; // '-'
  if (negative) stats.negative++;
  const abs = negative ? d.slice(1) : d;
  const dot = abs.indexOf('.');
  const int = dot === -1 ? abs : abs.slice(0, dot);
  if (int !== '0' && abs !== '1') stats.beyond_one++;
}

/** The identity targets a mapping can feed besides plan inputs. */
export const IDENTITY_TARGETS = ['employee_id', 'name', 'department'] as const;
export type IdentityTarget = (typeof IDENTITY_TARGETS)[number];

/**
 * A saved column mapping as the rows need it: which column feeds each identity target (null: none)
 * and each plan input (by input name).
 */
export interface RowMapping {
  employee_id: string | null;
  name: string | null;
  department: string | null;
  inputs: [input: string, column: string][];
}

/** A RowMapping from a saved mapping's `columns` (header → target or null). */
export function rowMappingOf(columns: Record<string, string | null>): RowMapping {
  const m: RowMapping = { employee_id: null, name: null, department: null, inputs: [] };
  for (const [column, target] of Object.entries(columns)) {
    if (target === null) continue;
    if ((IDENTITY_TARGETS as readonly string[]).includes(target)) m[target as IdentityTarget] = column;
    else m.inputs.push([target, column]);
  }
  return m;
}

/**
 * One row's cells (header → text) mapped: identity cells trimmed ('' when unmapped or absent),
 * each mapped input as canonical decimal text, left out when its cell is not a number.
 * The same as the set-based SQL this replaced (ADR 0029), so snapshot hashes do not change.
 */
export function mapFields(
  fields: Record<string, string | undefined>,
  m: RowMapping,
): { employee_id: string; name: string; department: string; inputs: Record<string, string> } {
  const inputs: Record<string, string> = {};
  for (const [input, column] of m.inputs) {
    const cell = fields[column];
    if (cell === undefined) continue;
    const d = cellDecimal(cell);
    if (d !== null) inputs[input] = d;
  }
  // Postgres' btrim: spaces only, not other whitespace.
  const id = (col: string | null) => (col === null ? '' : (fields[col] ?? '').replace(/^ +| +$/g, ''));
  return { employee_id: id(m.employee_id), name: id(m.name), department: id(m.department), inputs };
}
