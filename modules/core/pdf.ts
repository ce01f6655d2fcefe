import PDFDocument from 'pdfkit';

/** A pdfkit document being drawn (A4, 56 pt margins). */
export type PdfDoc = InstanceType<typeof PDFDocument>;

/**
 * Draw a PDF with pdfkit and collect it into one Buffer: the one way fig renders PDFs (run
 * statements, client portal invoices). `draw` writes the pages; the document is ended here.
 */
export function renderPdf(
  info: { Title: string; Author?: string },
  draw: (doc: PdfDoc) => void,
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
