/** Rows as the repo reads them (numeric as text, dates as YYYY-MM-DD, timestamps as ISO text). */
export interface PartyRow {
  id: string;
  kind: 'customer' | 'vendor';
  name: string;
  email: string | null;
  created_at: string;
  /** null when listed without balances (repo.listParties withBalance false). */
  balance: string | null;
}
export interface ContactRow {
  id: string;
  party_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  role: string | null;
  created_at: string;
}
export interface DocumentRow {
  id: string;
  kind: 'invoice' | 'bill' | 'credit_note' | 'vendor_credit';
  number: string;
  party_id: string;
  project_id: string | null;
  issue_date: string;
  due_date: string;
  currency: string;
  exchange_rate: string;
  subtotal: string;
  tax_total: string;
  amount: string;
  /** Sum of the document's ledger entries (negative for a credit note with credit left). */
  open: string;
  description: string | null;
  category: string | null;
  created_at: string;
  /** When the invoice was last mailed to the customer (ISO), or null. */
  sent_at: string | null;
  approval: 'not_required' | 'draft' | 'pending' | 'approved';
}
export interface LineRow {
  position: number;
  description: string;
  quantity: string;
  unit_price: string;
  tax_rate: string;
  net: string;
  tax: string;
  total: string;
}
export interface PaymentRow {
  id: string;
  kind: 'received' | 'made';
  party_id: string;
  amount: string;
  currency: string;
  exchange_rate: string;
  date: string;
  method: string;
  reference: string | null;
  created_at: string;
  /** Minus the sum of the payment's ledger entries without a document: what is still unapplied. */
  unapplied: string;
}
export interface AllocationRow {
  source_kind: string;
  source_id: string;
  doc_kind: string;
  doc_id: string;
  amount: string;
  date: string;
}
export interface LedgerEntry {
  side: 'AR' | 'AP';
  partyId: number;
  doc?: { kind: string; id: number };
  source: { kind: string; id: number };
  date: string;
  amount: string;
  currency: string;
  exchangeRate: string;
}
