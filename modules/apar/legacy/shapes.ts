import { AppError } from '../../core/errors';
import type { ModuleResponse } from '../../core/module';
import type { Document, DocumentDetail, PartySummary, Payment } from '../schema';
import type { PydanticError } from './pydantic';

/** Legacy's JSON shapes (field names and order as its pydantic response models) from domain objects. */

export const JSON_HEADERS = { 'content-type': 'application/json' };
export const ok = (body: unknown, status = 200): ModuleResponse => ({ status, headers: JSON_HEADERS, body });
export const detail = (status: number, d: unknown): ModuleResponse => ({
  status,
  headers: JSON_HEADERS,
  body: { detail: d },
});
export const unprocessable = (errors: PydanticError[]) => detail(422, errors);

export const legacyParty = (p: PartySummary) => ({
  id: p.id,
  name: p.name,
  email: p.email,
  created_at: p.createdAt,
});

export function legacyDocument(d: Document) {
  const common = {
    id: d.id,
    number: d.number,
    project_id: d.projectId,
    issue_date: d.issueDate,
    due_date: d.dueDate,
    amount: d.amount,
    amount_paid: d.amountPaid,
    balance: d.balance,
    status: d.status,
    currency: d.currency,
    description: d.description,
    created_at: d.createdAt,
  };
  return d.kind === 'bill'
    ? { ...common, vendor_id: d.partyId, category: d.category ?? 'general' }
    : { ...common, customer_id: d.partyId };
}

/** GET /invoices/{id}: the invoice with the payments applied to it (payment allocations only). */
export const legacyInvoiceDetail = (d: DocumentDetail) => ({
  ...legacyDocument(d),
  allocations: d.allocations
    .filter((a) => a.sourceKind === 'received')
    .map((a) => ({ payment_id: a.sourceId, date: a.date, amount: a.amount })),
});

export const legacyPayment = (p: Payment) => ({
  id: p.id,
  customer_id: p.partyId,
  amount: p.amount,
  date: p.date,
  method: p.method,
  reference: p.reference,
  applied: p.applied,
  unapplied: p.unapplied,
  allocations: p.allocations.map((a) => ({ invoice_id: a.documentId, amount: a.amount })),
  created_at: p.createdAt,
});

/** A field path of the domain ("body.allocations[0].amount") as legacy's loc (["body", "allocations", 0, "amount"]). */
export function locOf(path: string): Array<string | number> {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .map((p) =>
      /^\d+$/.test(p) ? Number(p) : p.replace(/Id$/, '_id').replace(/^document_id$/, 'invoice_id'),
    );
}

const TYPE_OF: Record<string, string> = {
  party: 'value_error.customer',
  duplicate: 'value_error.duplicate',
  balance: 'value_error.balance',
  total: 'value_error.total',
};

/**
 * A domain refusal as legacy answers it: 404 `{"detail": "<What> not found"}` (an allocation's
 * document: "Invoice 7 not found"), 422 `{"detail": [{loc, msg, type}]}`. Anything else is rethrown.
 */
export function legacyError(err: unknown, notFoundLabel: string): ModuleResponse {
  if (!(err instanceof AppError)) throw err;
  if (err.statusCode === 404) {
    const path = err.errors[0]?.path;
    if (path && /^body\.allocations\[\d+\]\.documentId$/.test(path))
      return detail(404, `Invoice ${/(\d+) was not found$/.exec(err.message)?.[1] ?? ''} not found`);
    return detail(404, `${notFoundLabel} not found`);
  }
  if (err.code === 'APAR_DUPLICATE_NUMBER')
    return unprocessable([{ loc: ['body', 'number'], msg: err.message, type: 'value_error.duplicate' }]);
  if (err.code === 'APAR_ALLOCATION_REFUSED' || err.code === 'FIG_VALIDATION')
    return unprocessable(
      err.errors.map((e) => ({
        loc: locOf(e.path),
        msg: e.message,
        type: TYPE_OF[e.code ?? ''] ?? 'value_error',
      })),
    );
  throw err;
}
