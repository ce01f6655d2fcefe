import { Decimal, canonicalDecimal } from '../../core/decimal';
import { renderPdf, type PdfDoc } from '../../core/pdf';
import type { DocumentDetail } from '../schema';

/** Money for print: 2 decimals (half-even, like the tax), thousands separated; decimal, never float. */
export function printMoney(value: string): string {
  const [int = '0', frac = '00'] = new Decimal(value).toFixed(2, Decimal.ROUND_HALF_EVEN).split('.');
  return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}

const RIGHT = { width: 80, align: 'right' as const };

function row(doc: PdfDoc, y: number, cells: [string, string, string, string, string]) {
  const [desc, qty, price, tax, total] = cells;
  doc.text(desc, 56, y, { width: 210 });
  doc.text(qty, 266, y, { width: 50, align: 'right' });
  doc.text(price, 316, y, RIGHT);
  doc.text(tax, 396, y, { width: 50, align: 'right' });
  doc.text(total, 446, y, { width: 93, align: 'right' });
}

/**
 * An invoice as a PDF for the client portal: organisation, customer, number and dates, one row
 * per line (quantity, unit price, tax rate, total), then subtotal, tax, total, paid and balance.
 * Amounts print to 2 decimals with the currency; the stored values keep 10.
 */
export function invoicePdf(
  invoice: DocumentDetail,
  parties: { organisation: string; customer: string },
): Promise<Buffer> {
  return renderPdf({ Title: `Invoice ${invoice.number}` }, (doc) => {
    doc.font('Helvetica-Bold').fontSize(20).text(`Invoice ${invoice.number}`);
    doc.font('Helvetica').fontSize(10.5).moveDown(0.4);
    doc.text(`From: ${parties.organisation}`);
    doc.text(`To: ${parties.customer}`);
    doc.text(`Issued: ${invoice.issueDate}    Due: ${invoice.dueDate}    Currency: ${invoice.currency}`);
    if (invoice.description) doc.text(invoice.description);
    doc.moveDown(1);
    doc.font('Helvetica-Bold');
    row(doc, doc.y, ['Description', 'Qty', 'Unit price', 'Tax %', 'Total']);
    doc.font('Helvetica').moveDown(0.3);
    for (const l of invoice.lines) {
      const y = doc.y;
      row(doc, y, [
        l.description || '—',
        canonicalDecimal(l.quantity),
        printMoney(l.unitPrice),
        canonicalDecimal(new Decimal(l.taxRate).times(100)),
        printMoney(l.total),
      ]);
      doc.moveDown(0.2);
    }
    doc.moveDown(1);
    const totals: Array<[string, string]> = [
      ['Subtotal', invoice.subtotal],
      ['Tax', invoice.taxTotal],
      ['Total', invoice.amount],
      ['Paid', invoice.amountPaid],
      ['Balance due', invoice.balance],
    ];
    for (const [label, value] of totals) {
      const y = doc.y;
      doc.font(label === 'Balance due' ? 'Helvetica-Bold' : 'Helvetica');
      doc.text(label, 316, y, RIGHT);
      doc.text(`${printMoney(value)} ${invoice.currency}`, 396, y, { width: 143, align: 'right' });
    }
  });
}
