import type { DocumentKind, PartyKind, PaymentKind } from '../schema';

/** How the document, payment and party kinds relate: AR is customers and invoices, AP vendors and bills. */
export const SIDE_OF_PARTY: Record<PartyKind, 'AR' | 'AP'> = { customer: 'AR', vendor: 'AP' };
export const PARTY_OF_DOCUMENT: Record<DocumentKind, PartyKind> = {
  invoice: 'customer',
  credit_note: 'customer',
  bill: 'vendor',
};
export const PARTY_OF_PAYMENT: Record<PaymentKind, PartyKind> = { received: 'customer', made: 'vendor' };
/** The document kind a payment (or a credit note) settles. */
export const SETTLES: Record<PaymentKind | 'credit_note', 'invoice' | 'bill'> = {
  received: 'invoice',
  made: 'bill',
  credit_note: 'invoice',
};
/** Counter names: ids per entity; documents also number from their id. */
export const NUMBER_PREFIX: Record<DocumentKind, string> = {
  invoice: 'INV',
  bill: 'BILL',
  credit_note: 'CN',
};
export const WORD: Record<string, string> = {
  invoice: 'invoice',
  bill: 'bill',
  customer: 'customer',
  vendor: 'vendor',
  credit_note: 'credit note',
};
