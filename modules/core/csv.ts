/**
 * The one CSV reader and writer (RFC 4180: quoted fields, "" escapes; CRLF rows written, CRLF or
 * LF read). Every CSV fig writes goes through `csvLine`, so every export applies the same
 * formula-injection rule (`safeText`).
 */

/** Rows of fields; quoted fields, "" escapes, CRLF or LF rows, a leading BOM and blank lines skipped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/** Records keyed by the header row's names (a missing field is ''). */
export function parseCsvRecords(text: string): Record<string, string>[] {
  const [header, ...body] = parseCsv(text);
  if (!header) return [];
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/** A cell a spreadsheet would evaluate: it starts with = + - @, a tab or a carriage return (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain decimal number, optionally signed: what a spreadsheet reads as a number, never as a formula. */
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

/**
 * Text as it is safe to put in a spreadsheet cell (the OWASP rule): a cell starting with = + - @,
 * a tab or a carriage return gets a leading apostrophe, so Excel, LibreOffice and Sheets show it
 * as text instead of evaluating it. A plain number such as -5 or +3.2 is left alone: digits, a
 * sign and a point cannot call a function or reference a cell, and escaping it would turn every
 * negative amount into text that no longer sums.
 */
export function safeText(value: unknown): string {
  const s =
    value === null || value === undefined
      ? ''
      : typeof value === 'string'
        ? value
        : value instanceof Date
          ? value.toISOString()
          : JSON.stringify(value);
  return FORMULA_START.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s;
}

/** One CSV cell: formula-safe (`safeText`), quoted when it holds a comma, quote or line break. */
export function csvCell(value: unknown): string {
  const s = safeText(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line, CRLF-terminated. */
export function csvLine(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
