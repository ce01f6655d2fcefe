import type { FastifyBaseLogger } from 'fastify';
import { Decimal } from '../../core/decimal';
import type { Db } from '../../core/db';
import { withTenant } from '../../core/db';
import * as repo from '../repo';
import { createAparService, type Caller } from '../service';

export interface AparBackfillResult {
  customers: number;
  vendors: number;
  invoices: number;
  bills: number;
  payments: number;
  /** Legacy bills' amount_paid (legacy has no bill payments) imported as one payment made each. */
  billSettlements: number;
  /** Already in fig (same id), kept. */
  skipped: number;
}

export type Row = Record<string, unknown> & { id: number };

async function* pages(
  legacyUrl: string,
  path: string,
  signal?: AbortSignal,
  limit = 500,
): AsyncGenerator<Row[]> {
  for (let offset = 0; ; offset += limit) {
    const url = new URL(`${path}?limit=${limit}&offset=${offset}`, legacyUrl);
    const res = await fetch(url, { signal });
    if (!res.ok) throw new Error(`legacy answered ${res.status} to GET ${url.pathname}${url.search}`);
    const page = (await res.json()) as { items: Row[]; total: number };
    yield page.items;
    if (page.items.length < limit || offset + limit >= page.total) return;
  }
}

/**
 * Import legacy's AP/AR data into `tenantId` with the same integer ids (fig's counters move past
 * them, so new ids continue after legacy's): customers, vendors, invoices and bills (one line each),
 * payments with legacy's allocations, and each bill's amount_paid as a payment made dated the bill's
 * issue date. Idempotent: an entity fig already holds under that id is skipped.
 */
export async function backfillApar(
  deps: { db: Db; log: FastifyBaseLogger; legacyUrl: string; tenantId: string },
  opts: { signal?: AbortSignal } = {},
): Promise<AparBackfillResult> {
  const service = createAparService({ db: deps.db, log: deps.log });
  const caller: Caller = { tenantId: deps.tenantId, actor: 'backfill' };
  const out: AparBackfillResult = {
    customers: 0,
    vendors: 0,
    invoices: 0,
    bills: 0,
    payments: 0,
    billSettlements: 0,
    skipped: 0,
  };
  const exists = (table: 'parties' | 'documents' | 'payments', kind: string, id: number) =>
    existsInFig(deps.db, deps.tenantId, table, kind, id);
  const copy = { service, caller };

  for (const [kind, path] of [
    ['customer', '/api/v1/customers'],
    ['vendor', '/api/v1/vendors'],
  ] as const) {
    for await (const rows of pages(deps.legacyUrl, path, opts.signal)) {
      for (const r of rows) {
        if (await exists('parties', kind, r.id)) out.skipped++;
        else {
          await copyParty(copy, kind, r);
          out[`${kind}s`]++;
        }
      }
    }
  }
  for (const [kind, path] of [
    ['invoice', '/api/v1/invoices'],
    ['bill', '/api/v1/bills'],
  ] as const) {
    for await (const rows of pages(deps.legacyUrl, path, opts.signal)) {
      for (const r of rows) {
        if (await exists('documents', kind, r.id)) {
          out.skipped++;
          continue;
        }
        out[`${kind}s`]++;
        if (await copyDocument(copy, kind, r)) out.billSettlements++;
      }
    }
  }
  for await (const rows of pages(deps.legacyUrl, '/api/v1/payments', opts.signal)) {
    for (const r of rows) {
      if (await exists('payments', 'received', r.id)) {
        out.skipped++;
        continue;
      }
      await copyPayment(copy, r);
      out.payments++;
    }
  }
  return out;
}

/** Whether fig holds a party, document or payment under this id. */
export function existsInFig(
  db: Db,
  tenantId: string,
  table: 'parties' | 'documents' | 'payments',
  kind: string,
  id: number,
): Promise<boolean> {
  return withTenant(db, tenantId, async (trx) =>
    table === 'parties'
      ? !!(await repo.findParty(trx, tenantId, kind, id))
      : table === 'documents'
        ? !!(await repo.findDocument(trx, tenantId, kind, id))
        : !!(await repo.findPayment(trx, tenantId, kind, id)),
  );
}

type Copy = { service: ReturnType<typeof createAparService>; caller: Caller };

/** Copy one legacy customer or vendor into fig with its id. */
export async function copyParty(c: Copy, kind: 'customer' | 'vendor', r: Row): Promise<void> {
  await c.service.createParty(
    c.caller,
    kind,
    { name: r.name as string, email: r.email as string | null },
    { id: r.id, createdAt: r.created_at as string },
  );
}

/** Copy one legacy invoice or bill (one line); a bill's amount_paid becomes a payment made. True when it did. */
export async function copyDocument(c: Copy, kind: 'invoice' | 'bill', r: Row): Promise<boolean> {
  const doc = {
    partyId: r[kind === 'bill' ? 'vendor_id' : 'customer_id'] as number,
    number: r.number as string,
    projectId: r.project_id as number | null,
    issueDate: r.issue_date as string,
    dueDate: r.due_date as string,
    currency: r.currency as string,
    description: r.description as string | null,
    category: kind === 'bill' ? (r.category as string) : null,
    lines: [{ quantity: '1', unitPrice: r.amount as string }],
  };
  await c.service.createDocument(c.caller, kind, doc, {
    id: r.id,
    number: r.number as string,
    createdAt: r.created_at as string,
    legacyApi: true,
  });
  if (kind !== 'bill' || !new Decimal(r.amount_paid as string).gt(0)) return false;
  await c.service.recordPayment(c.caller, 'made', {
    partyId: doc.partyId,
    amount: r.amount_paid as string,
    date: doc.issueDate,
    currency: doc.currency,
    method: 'legacy',
    reference: `legacy amount_paid of bill ${r.number as string}`,
    allocations: [{ documentId: r.id, amount: r.amount_paid as string }],
  });
  return true;
}

/** Copy one legacy payment with legacy's allocations. */
export async function copyPayment(c: Copy, r: Row): Promise<void> {
  const allocations = (r.allocations as Array<{ invoice_id: number; amount: string }>).map((a) => ({
    documentId: a.invoice_id,
    amount: a.amount,
  }));
  await c.service.recordPayment(
    c.caller,
    'received',
    {
      partyId: r.customer_id as number,
      amount: r.amount as string,
      date: r.date as string,
      method: r.method as string,
      reference: r.reference as string | null,
      allocations,
    },
    { id: r.id, createdAt: r.created_at as string, checkCurrency: false },
  );
}
