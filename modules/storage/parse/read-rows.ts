import type { Readable } from 'node:stream';
import { parse as parseCsv } from '@fast-csv/parse';
import ExcelJS from 'exceljs';
import type { FileKind } from '../inspect';

/** A data row as read: its row number (the header is row 1) and its cells in header order. */
export interface RawRow {
  rowNo: number;
  cells: string[];
}

export class UnreadableFile extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableFile';
  }
}

export const MAX_COLUMNS = 500;

/** Header cells made usable as keys: trimmed, blanks named `column_N`, repeats suffixed ` (2)`. */
export function cleanHeaders(cells: string[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((raw, i) => {
    const base = raw.replace(/^\uFEFF/, '').trim() || `column_${i + 1}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} (${n})`;
  });
}

/** A spreadsheet cell as text: numbers in shortest round-trip form, dates as ISO dates, formulas by result. */
function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('result' in v) return cellText((v as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
    if ('richText' in v) return (v as ExcelJS.CellRichTextValue).richText.map((r) => r.text).join('');
    if ('text' in v) return String((v as ExcelJS.CellHyperlinkValue).text);
    if ('error' in v) return String((v as ExcelJS.CellErrorValue).error);
  }
  return String(v);
}

async function* csvRecords(file: Readable): AsyncGenerator<{ rowNo: number; cells: string[] }> {
  const parser = file.pipe(parseCsv({ headers: false, ignoreEmpty: false, trim: false }));
  file.on('error', (err) => parser.destroy(err));
  let rowNo = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      rowNo++;
      yield { rowNo, cells: record };
    }
  } catch (err) {
    throw new UnreadableFile(`the CSV could not be read at row ${rowNo + 1}: ${(err as Error).message}`);
  }
}

async function* xlsxRecords(file: Readable): AsyncGenerator<{ rowNo: number; cells: string[] }> {
  // Streaming reader: shared strings cached, rows emitted one at a time; only the first sheet is read.
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit', entries: 'emit' });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const values = Array.isArray(row.values) ? row.values.slice(1) : [];
        yield { rowNo: row.number, cells: values.map((v) => cellText(v)) };
      }
      break;
    }
  } catch (err) {
    if (err instanceof UnreadableFile) throw err;
    throw new UnreadableFile(`the XLSX could not be read: ${(err as Error).message}`);
  }
}

/**
 * Read a CSV or the first sheet of an XLSX as a header and a stream of rows, never holding the
 * file in memory. Rows with no content are skipped; their numbers are not reused.
 */
export async function readRows(kind: FileKind, file: Readable): Promise<{ headers: string[]; rows: AsyncGenerator<RawRow> }> {
  const records = kind === 'csv' ? csvRecords(file) : xlsxRecords(file);
  let first = await records.next();
  while (!first.done && first.value.cells.every((c) => String(c).trim() === '')) first = await records.next();
  if (first.done) throw new UnreadableFile('the file has no header row');
  if (first.value.cells.length > MAX_COLUMNS) throw new UnreadableFile(`the file has ${first.value.cells.length} columns; at most ${MAX_COLUMNS} are read`);
  const headers = cleanHeaders(first.value.cells.map(String));
  async function* rows(): AsyncGenerator<RawRow> {
    for await (const r of records) {
      if (r.cells.every((c) => String(c).trim() === '')) continue;
      yield { rowNo: r.rowNo, cells: r.cells };
    }
  }
  return { headers, rows: rows() };
}
