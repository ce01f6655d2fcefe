import { canonicalDecimal } from '../../core/decimal';
import { pythonCsvRecords } from './python-csv';

/**
 * legacy's employee CSV validation (csvio.parse_employee_csv), to the message: row numbers are
 * the record's line in the file (header is 1), errors carry loc/msg/type/row/column, at most 100
 * errors, and rows come out with canonical decimal strings.
 */

export const EMPLOYEE_COLUMNS = ['employee_id', 'name', 'department', 'base_salary', 'target_pct', 'performance_score', 'fund_return', 'revenue'] as const;
export const NUMERIC_COLUMNS = ['base_salary', 'target_pct', 'performance_score', 'fund_return', 'revenue'] as const;
const NON_NEGATIVE = new Set(['base_salary', 'target_pct']);
const MAX_ERRORS = 100;
const MAX_TEXT = 200;
const DECIMAL_RE = /^-?\d+(\.\d+)?$/;

export interface CsvError {
  loc: (string | number)[];
  msg: string;
  type: string;
  row: number | null;
  column: string | null;
  missing?: string[];
}

/** One valid employee row: line number, text fields and canonical decimals. */
export interface EmployeeRow {
  row_no: number;
  employee_id: string;
  name: string;
  department: string;
  base_salary: string;
  target_pct: string;
  performance_score: string;
  fund_return: string;
  revenue: string;
}

function error(row: number | null, column: string | null, msg: string, type: string): CsvError {
  const loc: (string | number)[] = ['body', 'file'];
  if (row !== null) loc.push(row);
  if (column !== null) loc.push(column);
  return { loc, msg, type, row, column };
}

/** Python's repr() of a str, as legacy's messages quote a bad cell. */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0x80 && code < 0xa0) out += `\\x${code.toString(16)}`;
    else out += ch;
  }
  return quote + out + quote;
}

/** Python's str.strip(): whitespace, including the U+001C–U+001F separators Python counts as whitespace. */
// eslint-disable-next-line no-control-regex -- those separators are exactly what Python strips
const strip = (s: string) => s.replace(/^[\s\x1c-\x1f\x85]+|[\s\x1c-\x1f\x85]+$/gu, '');

/** Parse and validate an uploaded employee file exactly as legacy does. */
export function parseEmployeeCsv(content: Buffer): { rows: EmployeeRow[]; errors: CsvError[] } {
  const rows: EmployeeRow[] = [];
  const errors: CsvError[] = [];
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(content);
  } catch {
    errors.push(error(null, null, 'file is not valid UTF-8', 'value_error.encoding'));
    return { rows, errors };
  }
  if (!strip(text)) {
    errors.push(error(null, null, 'file is empty', 'value_error.empty'));
    return { rows, errors };
  }
  const records = pythonCsvRecords(text);
  const header = ((records.next().value as string[] | undefined) ?? []).map(strip);
  const missing = EMPLOYEE_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    errors.push({ ...error(1, null, `missing column(s): ${missing.join(', ')}`, 'value_error.missing_column'), missing });
    return { rows, errors };
  }
  const dupes = [...new Set(header.filter((h, i) => header.indexOf(h) !== i))].sort();
  if (dupes.length > 0) {
    errors.push(error(1, null, `duplicate column(s): ${dupes.join(', ')}`, 'value_error.duplicate_column'));
    return { rows, errors };
  }
  const index = Object.fromEntries(EMPLOYEE_COLUMNS.map((c) => [c, header.indexOf(c)]));
  const seen = new Map<string, number>();
  let line = 1;
  for (const cells of records) {
    line++;
    if (cells.length === 0 || cells.every((c) => !strip(c))) continue;
    if (cells.length !== header.length) {
      errors.push(error(line, null, `expected ${header.length} fields, found ${cells.length}`, 'value_error.field_count'));
      continue; // as legacy: a ragged row does not count toward the error cap check
    }
    const row: Record<string, string | number> = { row_no: line };
    for (const name of EMPLOYEE_COLUMNS) {
      const value = strip(cells[index[name] as number] as string);
      if ((NUMERIC_COLUMNS as readonly string[]).includes(name)) {
        if ([...value].length > 60 || !DECIMAL_RE.test(value)) {
          errors.push(error(line, name, `${pyRepr(value)} is not a valid decimal`, 'value_error.decimal'));
          continue;
        }
        const number = canonicalDecimal(value);
        if (NON_NEGATIVE.has(name) && number.startsWith('-')) {
          errors.push(error(line, name, 'must be greater than or equal to 0', 'value_error.number.not_ge'));
          continue;
        }
        row[name] = number;
      } else {
        if (name === 'employee_id' && !value) {
          errors.push(error(line, name, 'field required', 'value_error.missing'));
          continue;
        }
        if ([...value].length > MAX_TEXT) {
          errors.push(error(line, name, `longer than ${MAX_TEXT} characters`, 'value_error.any_str.max_length'));
          continue;
        }
        row[name] = value;
      }
    }
    if (typeof row.employee_id === 'string') {
      const first = seen.get(row.employee_id);
      if (first !== undefined) errors.push(error(line, 'employee_id', `duplicate employee_id (first seen on row ${first})`, 'value_error.duplicate'));
      else seen.set(row.employee_id, line);
    }
    if (Object.keys(row).length === EMPLOYEE_COLUMNS.length + 1) rows.push(row as unknown as EmployeeRow);
    if (errors.length >= MAX_ERRORS) break;
  }
  if (errors.length === 0 && rows.length === 0) errors.push(error(null, null, 'file has a header but no data rows', 'value_error.empty'));
  return { rows, errors };
}
