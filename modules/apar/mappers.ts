import { Decimal, canonicalDecimal } from '../core/decimal';
import type { Document, Party, PartySummary, Payment } from './schema';
import type { AllocationRow, ContactRow, DocumentRow, PartyRow, PaymentRow } from './tables';

const c = canonicalDecimal;

/** open / partial / paid from the amount and what has been settled (legacy's status_of). */
export function statusOf(amount: string, settled: string): 'open' | 'partial' | 'paid' {
  const paid = new Decimal(settled);
  if (paid.lte(0)) return 'open';
  if (paid.gte(amount)) return 'paid';
  return 'partial';
}

/** What is still open on a document, positive: a credit note's ledger sum is negative while it has credit left. */
export const documentBalance = (row: Pick<DocumentRow, 'kind' | 'open'>) =>
  row.kind === 'credit_note' || row.kind === 'vendor_credit'
    ? new Decimal(row.open).neg()
    : new Decimal(row.open);

export function toParty(row: PartyRow, contacts: ContactRow[]): Party {
  return { ...toPartySummary(row, contacts), balance: c(row.balance ?? '0') };
}

export function toPartySummary(row: PartyRow, contacts: ContactRow[]): PartySummary {
  return {
    id: Number(row.id),
    kind: row.kind,
    name: row.name,
    email: row.email,
    createdAt: row.created_at,
    contacts: contacts
      .filter((x) => x.party_id === row.id)
      .map((x) => ({
        id: Number(x.id),
        name: x.name,
        email: x.email ?? null,
        phone: x.phone ?? null,
        role: x.role ?? null,
        createdAt: x.created_at,
      })),
  };
}

export function toDocument(row: DocumentRow): Document {
  const balance = documentBalance(row);
  const settled = new Decimal(row.amount).minus(balance);
  return {
    id: Number(row.id),
    kind: row.kind,
    number: row.number,
    partyId: Number(row.party_id),
    projectId: row.project_id === null ? null : Number(row.project_id),
    issueDate: row.issue_date,
    dueDate: row.due_date,
    currency: row.currency,
    exchangeRate: c(row.exchange_rate),
    subtotal: c(row.subtotal),
    taxTotal: c(row.tax_total),
    amount: c(row.amount),
    amountPaid: c(settled),
    balance: c(balance),
    status: statusOf(row.amount, settled.toFixed()),
    approval: row.approval,
    description: row.description,
    category: row.category,
    createdAt: row.created_at,
    sentAt: row.sent_at ?? null,
  };
}

export function toPayment(row: PaymentRow, allocations: AllocationRow[]): Payment {
  const unapplied = new Decimal(row.unapplied);
  return {
    id: Number(row.id),
    kind: row.kind,
    partyId: Number(row.party_id),
    amount: c(row.amount),
    currency: row.currency,
    exchangeRate: c(row.exchange_rate),
    date: row.date,
    method: row.method,
    reference: row.reference,
    applied: c(new Decimal(row.amount).minus(unapplied)),
    unapplied: c(unapplied),
    allocations: allocations
      .filter((a) => a.source_id === row.id)
      .map((a) => ({ documentId: Number(a.doc_id), amount: c(a.amount), date: a.date })),
    createdAt: row.created_at,
  };
}
