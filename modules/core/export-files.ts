import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import { csvLine, safeText } from './csv';

/**
 * File builders shared by every module that exports a table or prints a document (runs outputs,
 * AP/AR exports and statements): one XLSX writer whose cells are all formula-safe text (money stays
 * exact, never a float), one CSV table writer over `csvLine`, one pdfkit buffer.
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

/** A PDF (A4, pdfkit) drawn by `draw`, as a buffer once the document has ended. */
export function pdfBuffer(
  info: { Title: string; Author?: string },
  draw: (doc: PDFKit.PDFDocument) => void,
): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Author: 'fig', ...info } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  draw(doc);
  doc.end();
  return done;
}
