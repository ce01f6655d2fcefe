import ExcelJS from 'exceljs';
import { csvLine, safeText } from './csv';

/**
 * File builders shared by every module that exports a table or prints a document (runs outputs,
 * AP/AR exports and statements): one XLSX writer whose cells are all formula-safe text (money stays
 * exact, never a float), one CSV table writer over `csvLine` (PDFs: core/pdf.ts).
 */

/** An RFC 4180 CSV (CRLF) of a header and rows, every cell formula-safe (`safeText`). */
export function csvTable(header: readonly string[], body: readonly (readonly unknown[])[]): string {
  return [header, ...body].map((row) => csvLine(row)).join('');
}

/** A one-sheet XLSX: bold frozen header, every cell text made formula-safe. */
export async function xlsxTable(
  sheet: string,
  header: readonly string[],
  body: readonly (readonly unknown[])[],
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'fig';
  const ws = wb.addWorksheet(sheet);
  ws.addRow(header.map(safeText)).font = { bold: true };
  for (const line of body) ws.addRow(line.map(safeText));
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}
