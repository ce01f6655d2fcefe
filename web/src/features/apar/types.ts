// The AP/AR API's types come from the module's own zod schemas (type-only: nothing server-side is bundled).
export type {
  ActivityBody,
  AgingReport,
  SavedView,
  SavedViewBody,
  TimelineEvent,
  Document,
  DocumentBody,
  DocumentDetail,
  DocumentKind,
  LineBody,
  Party,
  PartyBody,
  PartyKind,
  Payment,
  PaymentBody,
  PaymentKind,
  Settings,
  Statement,
} from '../../../../modules/apar/schema';
import type { z } from 'zod';
import type { CollectionsRow as CollectionsRowSchema, DocumentKind, PartyKind, PaymentKind } from '../../../../modules/apar/schema';

/** One customer of the collections view. */
export type CollectionsRow = z.infer<typeof CollectionsRowSchema>;

/** A customer or vendor book: its URL segment (the API's and the SPA's) and its words. */
export interface PartyBook {
  kind: PartyKind;
  path: 'customers' | 'vendors';
  label: string;
  plural: string;
  side: 'AR' | 'AP';
  /** What it is billed with, what it pays with, and the credits it gets. */
  document: DocumentKind;
  payment: PaymentKind;
  credit: DocumentKind;
}
export interface DocumentBook {
  kind: DocumentKind;
  path: 'invoices' | 'bills' | 'credit-notes' | 'vendor-credits';
  label: string;
  plural: string;
  party: PartyKind;
  /** Credit documents (credit notes, vendor credits) are applied to the documents they settle. */
  settles?: DocumentKind;
}
export interface PaymentBook {
  kind: PaymentKind;
  path: 'payments-received' | 'bill-payments';
  label: string;
  plural: string;
  party: PartyKind;
  settles: DocumentKind;
}

export const PARTY_BOOKS: Record<PartyKind, PartyBook> = {
  customer: { kind: 'customer', path: 'customers', label: 'Customer', plural: 'Customers', side: 'AR', document: 'invoice', payment: 'received', credit: 'credit_note' },
  vendor: { kind: 'vendor', path: 'vendors', label: 'Vendor', plural: 'Vendors', side: 'AP', document: 'bill', payment: 'made', credit: 'vendor_credit' },
};
export const DOCUMENT_BOOKS: Record<DocumentKind, DocumentBook> = {
  invoice: { kind: 'invoice', path: 'invoices', label: 'Invoice', plural: 'Invoices', party: 'customer' },
  bill: { kind: 'bill', path: 'bills', label: 'Bill', plural: 'Bills', party: 'vendor' },
  credit_note: { kind: 'credit_note', path: 'credit-notes', label: 'Credit note', plural: 'Credit notes', party: 'customer', settles: 'invoice' },
  vendor_credit: { kind: 'vendor_credit', path: 'vendor-credits', label: 'Vendor credit', plural: 'Vendor credits', party: 'vendor', settles: 'bill' },
};
export const PAYMENT_BOOKS: Record<PaymentKind, PaymentBook> = {
  received: { kind: 'received', path: 'payments-received', label: 'Payment received', plural: 'Payments received', party: 'customer', settles: 'invoice' },
  made: { kind: 'made', path: 'bill-payments', label: 'Bill payment', plural: 'Bill payments', party: 'vendor', settles: 'bill' },
};

/** The SPA's AP/AR screens live under /apar (the API's paths below /apar, same segments). */
export const APAR = '/apar';
export const docHref = (kind: DocumentKind, id: number) => `${APAR}/${DOCUMENT_BOOKS[kind].path}/${id}`;
export const partyHref = (kind: PartyKind, id: number) => `${APAR}/${PARTY_BOOKS[kind].path}/${id}`;
export const paymentHref = (kind: PaymentKind, id: number) => `${APAR}/${PAYMENT_BOOKS[kind].path}/${id}`;
