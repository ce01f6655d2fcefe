import { AppError, notFound, type FieldError } from '../core/errors';

/** Stable codes of the AP/AR module's expected failures. */
export const AparErrors = {
  tenantNotFound: (id: string) => notFound('Tenant', id),
  partyNotFound: (kind: string, id: number) =>
    notFound(kind === 'customer' ? 'Customer' : 'Vendor', String(id)),
  documentNotFound: (kind: string, id: number) => notFound(LABEL[kind] ?? 'Document', String(id)),
  paymentNotFound: (id: number) => notFound('Payment', String(id)),
  duplicateNumber: (number: string) =>
    new AppError('APAR_DUPLICATE_NUMBER', 409, `number ${number} already exists`, [
      { path: 'body.number', message: `number ${number} already exists`, code: 'duplicate' },
    ]),
  /** An allocation (or write-off) that cannot be applied; `errors` carry the field paths. */
  refused: (message: string, errors: FieldError[]) =>
    new AppError('APAR_ALLOCATION_REFUSED', 422, message, errors),
  postedImmutable: () =>
    new AppError(
      'APAR_LEDGER_APPEND_ONLY',
      409,
      'Posted AP/AR entries cannot be changed; post a credit note or write-off instead',
    ),
};

const LABEL: Record<string, string> = {
  invoice: 'Invoice',
  bill: 'Bill',
  credit_note: 'Credit note',
  vendor_credit: 'Vendor credit',
};

/** Postgres SQLSTATE raised by the ledger's append-only trigger. */
export const PG_APPEND_ONLY = 'FIG02';
export const PG_UNIQUE_VIOLATION = '23505';
