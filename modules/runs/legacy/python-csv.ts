/**
 * CSV as legacy's Python `csv` module reads and writes it (default dialect): a quote is special
 * only at the start of a field, blank lines are records of their own (legacy numbers rows by
 * record), and the writer quotes minimally and ends lines with "\n" (legacy's export.csv). fig's
 * own CSV is modules/core/csv.ts; this exists because legacy-compatible routes must match legacy
 * byte for byte, including its row numbers and its unescaped formula cells.
 */

/** Records as Python's csv.reader yields them (a blank line is an empty record). */
export function* pythonCsvRecords(text: string): Generator<string[]> {
  let i = 0;
  const n = text.length;
  while (i < n) {
    const fields: string[] = [];
    let field = '';
    let state: 'start' | 'field' | 'quoted' | 'quote-in-quoted' = 'start';
    let recordStart = true;
    for (; i < n; i++) {
      const c = text[i] as string;
      if (state === 'quoted') {
        if (c === '"') state = 'quote-in-quoted';
        else field += c;
        continue;
      }
      if (c === '\n' || c === '\r') {
        if (c === '\r' && text[i + 1] === '\n') i++;
        i++;
        break;
      }
      recordStart = false;
      if (state === 'quote-in-quoted') {
        if (c === '"') {
          field += '"';
          state = 'quoted';
        } else if (c === ',') {
          fields.push(field);
          field = '';
          state = 'start';
        } else {
          field += c;
          state = 'field';
        }
      } else if (c === ',') {
        fields.push(field);
        field = '';
        state = 'start';
      } else if (c === '"' && state === 'start') state = 'quoted';
      else {
        field += c;
        state = 'field';
      }
    }
    if (recordStart && state === 'start') yield [];
    else {
      fields.push(field);
      yield fields;
    }
  }
}

// Python 3.11's writer (legacy's) quotes a field holding the delimiter, the quote or a character of
// the line terminator ("\n" here): a lone "\r" is written bare.
function cell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One line as Python's csv.writer(lineterminator="\n") writes it (QUOTE_MINIMAL). */
export function pythonCsvLine(cells: readonly string[]): string {
  if (cells.length === 1 && cells[0] === '') return '""\n';
  return `${cells.map(cell).join(',')}\n`;
}
