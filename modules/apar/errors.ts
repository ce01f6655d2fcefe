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
  billNotInState: (id: number, approval: string, wanted: string) =>
    new AppError(
      'APAR_BILL_APPROVAL_STATE',
      409,
      `Bill ${id} is ${approval.replace('_', ' ')}; this needs a bill that is ${wanted}`,
      [{ path: 'params.id', message: `bill is ${approval.replace('_', ' ')}`, code: approval }],
    ),
  approvalsUnavailable: () =>
    new AppError('APAR_APPROVALS_UNAVAILABLE', 503, 'Bill approval is not available in this process'),
  /** A change to a posted document: each refused field by path. */
  postedFields: (word: string, fields: string[]) =>
    new AppError(
      'APAR_POSTED_IMMUTABLE',
      409,
      `A posted ${word} cannot be changed (only its description can); issue a credit note or write-off instead`,
      fields.map((f) => ({ path: `body.${f}`, message: `cannot change on a posted ${word}`, code: 'posted' })),
    ),
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
