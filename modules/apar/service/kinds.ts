import type { DocumentKind, PartyKind, PaymentKind } from '../schema';

/** How the document, payment and party kinds relate: AR is customers and invoices, AP vendors and bills. */
export const SIDE_OF_PARTY: Record<PartyKind, 'AR' | 'AP'> = { customer: 'AR', vendor: 'AP' };
export const PARTY_OF_DOCUMENT: Record<DocumentKind, PartyKind> = {
  invoice: 'customer',
  credit_note: 'customer',
  bill: 'vendor',
  vendor_credit: 'vendor',
};
export const PARTY_OF_PAYMENT: Record<PaymentKind, PartyKind> = { received: 'customer', made: 'vendor' };
/** Documents that carry credit: a credit note (from a customer's invoices) and a vendor credit (from a vendor's bills). */
export type CreditKind = 'credit_note' | 'vendor_credit';
export const isCredit = (kind: string): kind is CreditKind =>
  kind === 'credit_note' || kind === 'vendor_credit';
/** The document kind a payment (or a credit note) settles. */
export const SETTLES: Record<PaymentKind | CreditKind, 'invoice' | 'bill'> = {
  received: 'invoice',
  made: 'bill',
  credit_note: 'invoice',
  vendor_credit: 'bill',
};
/** Counter names: ids per entity; documents also number from their id. */
export const NUMBER_PREFIX: Record<DocumentKind, string> = {
  invoice: 'INV',
  bill: 'BILL',
  credit_note: 'CN',
  vendor_credit: 'VC',
};
export const WORD: Record<string, string> = {
  invoice: 'invoice',
  bill: 'bill',
  customer: 'customer',
  vendor: 'vendor',
  credit_note: 'credit note',
  vendor_credit: 'vendor credit',
};
