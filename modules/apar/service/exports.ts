import { csvTable, pdfBuffer, xlsxTable } from '../../core/export-files';
import type { AgingReport, Document, DocumentKind, PartyKind, Statement } from '../schema';
import type { AparDeps, Caller } from './context';
import { listDocuments } from './documents';
import { aging, statement } from './reports';

/** CSV/XLSX exports of document lists and aging, and the statement of account as a PDF. */

export interface ExportFile {
  filename: string;
  contentType: string;
  body: Buffer | string;
}

const EXPORT_LIMIT = 100_000;
const TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
} as const;

async function file(
  name: string,
  format: 'csv' | 'xlsx',
  header: string[],
  body: unknown[][],
): Promise<ExportFile> {
  return {
    filename: `${name}.${format}`,
    contentType: TYPES[format],
    body: format === 'csv' ? csvTable(header, body) : await xlsxTable(name, header, body),
  };
}

const DOC_HEADER = [
  'id',
  'number',
  'party_id',
  'issue_date',
  'due_date',
  'currency',
  'amount',
  'amount_paid',
  'balance',
  'status',
  'approval',
  'description',
];
const docRow = (d: Document) => [
  d.id,
  d.number,
  d.partyId,
  d.issueDate,
  d.dueDate,
  d.currency,
  d.amount,
  d.amountPaid,
  d.balance,
  d.status,
  d.approval,
  d.description ?? '',
];

/** A document list (same filters as the list route) as CSV or XLSX, every cell formula-safe. */
export async function exportDocuments(
  deps: AparDeps,
  caller: Caller,
  kind: DocumentKind,
  q: { format: 'csv' | 'xlsx'; partyId?: number; status?: 'open' | 'partial' | 'paid' },
): Promise<ExportFile> {
  const got = await listDocuments(
    deps,
    caller,
    kind,
    { partyId: q.partyId, status: q.status },
    0,
    EXPORT_LIMIT,
  );
  return file(`${kind.replace('_', '-')}s`, q.format, DOC_HEADER, got.rows.map(docRow));
}

/** The aging report as CSV or XLSX: one row per party and bucket column, amounts in the base currency. */
export async function exportAging(
  deps: AparDeps,
  caller: Caller,
  q: { format: 'csv' | 'xlsx'; asOf?: string; side: 'AR' | 'AP' },
): Promise<ExportFile> {
  const report: AgingReport = await aging(deps, caller, q);
  const labels = report.buckets.map((b) => b.bucket);
  const header = [
    'party_id',
    'name',
    ...labels.map((l) => `${l} (${report.baseCurrency})`),
    `total (${report.baseCurrency})`,
  ];
  const body = report.parties.map((p) => [p.id, p.name, ...p.buckets.map((b) => b.baseAmount), p.baseTotal]);
  body.push(['', 'Total', ...report.buckets.map((b) => b.baseAmount), report.baseTotal]);
  return file(`aging-${report.side}-${report.asOf}`, q.format, header, body);
}

const WORDS: Record<string, string> = {
  invoice: 'Invoice',
  bill: 'Bill',
  credit_note: 'Credit note',
  vendor_credit: 'Vendor credit',
  received: 'Payment received',
  made: 'Payment made',
  write_off: 'Write-off',
};

/** The plain lines of a statement of account (what the PDF prints, testable as text). */
export function statementLines(s: Statement): string[] {
  return [
    `Opening balance on ${s.from}: ${s.opening}`,
    ...s.entries.map(
      (e) =>
        `${e.date}  ${WORDS[e.sourceKind] ?? e.sourceKind} ${e.sourceId}${e.documentId !== null && e.documentId !== e.sourceId ? ` on document ${e.documentId}` : ''}  ${e.amount}  balance ${e.balance}`,
    ),
    `Closing balance on ${s.to}: ${s.closing}`,
  ];
}

/** A customer's (or vendor's) statement of account for a period as a PDF. */
export async function statementPdf(
  deps: AparDeps,
  caller: Caller,
  kind: PartyKind,
  id: number,
  from: string,
  to: string,
): Promise<ExportFile> {
  const s = await statement(deps, caller, kind, id, from, to);
  const body = await pdfBuffer({ Title: `Statement of account ${s.name} ${from} to ${to}` }, (doc) => {
    doc.font('Helvetica-Bold').fontSize(18).text('Statement of account');
    doc.moveDown(0.4).font('Helvetica').fontSize(11).text(`${s.name} (${kind} ${id}), ${from} to ${to}`);
    doc.moveDown(0.6).fontSize(10);
    for (const line of statementLines(s)) doc.text(line);
  });
  return { filename: `statement-${kind}-${id}-${from}-${to}.pdf`, contentType: TYPES.pdf, body };
}
