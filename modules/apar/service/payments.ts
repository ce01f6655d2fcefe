import { Decimal, canonicalDecimal } from '../../core/decimal';
import type { Trx } from '../../core/db';
import { AparErrors } from '../errors';
import { documentBalance, toPayment } from '../mappers';
import * as repo from '../repo';
import { PaymentBody, type Payment, type PaymentKind, type SortKey } from '../schema';
import { allocate } from './allocate';
import { audit, inTenant, today, type AparDeps, type Caller, type Imposed, type Listed } from './context';
import { loadDocument } from './documents';
import { PARTY_OF_DOCUMENT, PARTY_OF_PAYMENT, SETTLES, SIDE_OF_PARTY, type CreditKind } from './kinds';

export interface PaymentOptions extends Imposed {
  /** false for the legacy API, whose payments have no currency. */
  checkCurrency?: boolean;
}

/**
 * Record a payment received (from a customer) or made (to a vendor) and apply it: to the given
 * documents, or oldest due first when none are given; what is left stays on the party as credit.
 */
export async function recordPayment(
  deps: AparDeps,
  caller: Caller,
  kind: PaymentKind,
  input: PaymentBody,
  opts: PaymentOptions = {},
): Promise<Payment> {
  const body = PaymentBody.parse(input);
  return inTenant(deps, caller, async (trx) => {
    const t = caller.tenantId;
    const partyKind = PARTY_OF_PAYMENT[kind];
    const side = SIDE_OF_PARTY[partyKind];
    if (!(await repo.findParty(trx, t, partyKind, body.partyId)))
      throw AparErrors.partyNotFound(partyKind, body.partyId);
    const id = await repo.takeId(trx, t, `payment.${kind}`, opts.id);
    await repo.insertPayment(trx, t, {
      kind,
      id,
      party_kind: partyKind,
      party_id: body.partyId,
      amount: body.amount,
      currency: body.currency,
      exchange_rate: body.exchangeRate,
      date: body.date,
      method: body.method,
      reference: body.reference ?? null,
      created_by: caller.actor,
      created_at: opts.createdAt,
    });
    await repo.postEntries(trx, t, [
      {
        side,
        partyId: body.partyId,
        source: { kind, id },
        date: body.date,
        amount: canonicalDecimal(new Decimal(body.amount).neg()),
        currency: body.currency,
        exchangeRate: body.exchangeRate,
      },
    ]);
    await allocate(
      trx,
      t,
      {
        kind,
        id,
        side,
        partyKind,
        partyId: body.partyId,
        docKind: SETTLES[kind],
        available: new Decimal(body.amount),
        currency: body.currency,
        exchangeRate: body.exchangeRate,
        date: body.date,
        checkCurrency: opts.checkCurrency ?? true,
      },
      body.allocations,
    );
    const payment = await loadPayment(trx, t, kind, id);
    await audit(trx, caller, {
      action: `apar.payment.${kind}.record`,
      entity: 'payment',
      entityId: `${kind}:${id}`,
      after: payment,
    });
    return payment;
  });
}

/** Apply what is still unapplied on an earlier payment to documents (dated `date`, default today). */
export async function allocatePayment(
  deps: AparDeps,
  caller: Caller,
  kind: PaymentKind,
  id: number,
  allocations: Array<{ documentId: number; amount: string }>,
  date?: string,
): Promise<Payment> {
  return inTenant(deps, caller, async (trx) => {
    const t = caller.tenantId;
    const row = await repo.findPayment(trx, t, kind, id);
    if (!row) throw AparErrors.paymentNotFound(id);
    const partyKind = PARTY_OF_PAYMENT[kind];
    await allocate(
      trx,
      t,
      {
        kind,
        id,
        side: SIDE_OF_PARTY[partyKind],
        partyKind,
        partyId: Number(row.party_id),
        docKind: SETTLES[kind],
        available: new Decimal(row.unapplied),
        currency: row.currency,
        exchangeRate: row.exchange_rate,
        date: date ?? today(deps),
        checkCurrency: true,
      },
      allocations,
    );
    const payment = await loadPayment(trx, t, kind, id);
    await audit(trx, caller, {
      action: `apar.payment.${kind}.allocate`,
      entity: 'payment',
      entityId: `${kind}:${id}`,
      before: toPayment(row, []),
      after: payment,
    });
    return payment;
  });
}

/** Apply a credit note's (or vendor credit's) remaining credit to the party's invoices (bills). */
export async function applyCredit(
  deps: AparDeps,
  caller: Caller,
  kind: CreditKind,
  id: number,
  allocations: Array<{ documentId: number; amount: string }>,
  date?: string,
) {
  return inTenant(deps, caller, async (trx) => {
    const t = caller.tenantId;
    const note = await repo.findDocument(trx, t, kind, id, { forUpdate: true });
    if (!note) throw AparErrors.documentNotFound(kind, id);
    const partyKind = PARTY_OF_DOCUMENT[kind];
    await allocate(
      trx,
      t,
      {
        kind,
        id,
        side: SIDE_OF_PARTY[partyKind],
        partyKind,
        partyId: Number(note.party_id),
        docKind: SETTLES[kind],
        available: documentBalance(note),
        currency: note.currency,
        exchangeRate: note.exchange_rate,
        date: date ?? today(deps),
        checkCurrency: true,
      },
      allocations,
    );
    const after = await loadDocument(trx, t, kind, id);
    await audit(trx, caller, {
      action: `apar.${kind}.apply`,
      entity: kind,
      entityId: String(id),
      after,
    });
    return after;
  });
}

export async function loadPayment(trx: Trx, t: string, kind: PaymentKind, id: number): Promise<Payment> {
  const row = await repo.findPayment(trx, t, kind, id);
  if (!row) throw AparErrors.paymentNotFound(id);
  return toPayment(row, await repo.listAllocations(trx, t, { sourceKind: kind, sourceIds: [id] }));
}

/** One payment with its allocations, or 404. */
export function getPayment(deps: AparDeps, caller: Caller, kind: PaymentKind, id: number): Promise<Payment> {
  return inTenant(deps, caller, (trx) => loadPayment(trx, caller.tenantId, kind, id));
}

/** Payments of one kind by id from `offset` (optionally one party's), with the total. */
export function listPayments(
  deps: AparDeps,
  caller: Caller,
  kind: PaymentKind,
  partyId: number | undefined,
  offset: number,
  limit: number,
  sort: SortKey[] = [],
): Promise<Listed<Payment>> {
  return inTenant(deps, caller, async (trx) => {
    const res = await repo.listPayments(trx, caller.tenantId, kind, partyId, offset, limit, sort);
    const allocations = await repo.listAllocations(trx, caller.tenantId, {
      sourceKind: kind,
      sourceIds: res.rows.map((r) => Number(r.id)),
    });
    return { rows: res.rows.map((r) => toPayment(r, allocations)), total: res.total };
  });
}
