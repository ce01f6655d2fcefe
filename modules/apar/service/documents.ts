import { Decimal, canonicalDecimal } from '../../core/decimal';
import type { Trx } from '../../core/db';
import { AparErrors } from '../errors';
import { toDocument } from '../mappers';
import * as repo from '../repo';
import { DocumentBody, lineAmounts, type Document, type DocumentDetail, type DocumentKind, type SortKey } from '../schema';
import type { LineRow } from '../tables';
import { audit, inTenant, type AparDeps, type Caller, type Imposed, type Listed } from './context';
import { NUMBER_PREFIX, PARTY_OF_DOCUMENT, SIDE_OF_PARTY, isCredit } from './kinds';

const c = canonicalDecimal;

/**
 * Line totals in decimal: net = quantity × unit price (kept to the column's 10 decimals),
 * tax = net × tax rate rounded half-even to 2 decimals (cents), total = net + tax.
 */
export function computeLines(
  lines: Array<{ description?: string; quantity: string; unitPrice: string; taxRate?: string }>,
): { rows: LineRow[]; subtotal: string; taxTotal: string; amount: string } {
  let subtotal = new Decimal(0);
  let taxTotal = new Decimal(0);
  const rows = lines.map((l, i) => {
    const { net, tax } = lineAmounts(l);
    subtotal = subtotal.plus(net);
    taxTotal = taxTotal.plus(tax);
    return {
      position: i + 1,
      description: l.description ?? '',
      quantity: c(l.quantity),
      unit_price: c(l.unitPrice),
      tax_rate: c(l.taxRate ?? '0'),
      net: c(net),
      tax: c(tax),
      total: c(net.plus(tax)),
    };
  });
  return { rows, subtotal: c(subtotal), taxTotal: c(taxTotal), amount: c(subtotal.plus(taxTotal)) };
}

/** The first free default number from `id` on (legacy's INV-000042 form); numbers follow the gap-free ids. */
async function defaultNumber(trx: Trx, t: string, kind: DocumentKind, id: number): Promise<string> {
  for (let n = id; ; n++) {
    const number = `${NUMBER_PREFIX[kind]}-${String(n).padStart(6, '0')}`;
    if (!(await repo.numberTaken(trx, t, kind, number))) return number;
  }
}

/** Post an invoice, bill or credit note: lines, totals, a number, and its ledger entry, in one transaction. */
export async function createDocument(
  deps: AparDeps,
  caller: Caller,
  kind: DocumentKind,
  input: DocumentBody,
  imposed: Imposed = {},
): Promise<DocumentDetail> {
  const body = DocumentBody.parse(input);
  const totals = computeLines(body.lines);
  if (new Decimal(totals.amount).lte(0))
    throw AparErrors.refused('The document total must be greater than 0', [
      { path: 'body.lines', message: 'total must be greater than 0', code: 'total' },
    ]);
  return inTenant(deps, caller, async (trx) => {
    const t = caller.tenantId;
    const partyKind = PARTY_OF_DOCUMENT[kind];
    if (!(await repo.findParty(trx, t, partyKind, body.partyId)))
      throw AparErrors.partyNotFound(partyKind, body.partyId);
    const id = await repo.takeId(trx, t, kind, imposed.id);
    const number = imposed.number ?? body.number ?? (await defaultNumber(trx, t, kind, id));
    if (await repo.numberTaken(trx, t, kind, number)) throw AparErrors.duplicateNumber(number);
    await repo.insertDocument(trx, t, {
      kind,
      id,
      number,
      party_kind: partyKind,
      party_id: body.partyId,
      project_id: body.projectId ?? null,
      issue_date: body.issueDate,
      due_date: body.dueDate,
      currency: body.currency,
      exchange_rate: body.exchangeRate,
      subtotal: totals.subtotal,
      tax_total: totals.taxTotal,
      amount: totals.amount,
      description: body.description ?? null,
      category: body.category ?? (kind === 'bill' ? 'general' : null),
      created_by: caller.actor,
      created_at: imposed.createdAt,
      approval: kind === 'bill' && !imposed.legacyApi ? 'draft' : 'not_required',
    });
    await repo.insertLines(trx, t, kind, id, totals.rows);
    const amount = isCredit(kind) ? c(new Decimal(totals.amount).neg()) : totals.amount;
    await repo.postEntries(trx, t, [
      {
        side: SIDE_OF_PARTY[partyKind],
        partyId: body.partyId,
        doc: { kind, id },
        source: { kind, id },
        date: body.issueDate,
        amount,
        currency: body.currency,
        exchangeRate: body.exchangeRate,
      },
    ]);
    const doc = await loadDocument(trx, t, kind, id);
    await audit(trx, caller, { action: `apar.${kind}.post`, entity: kind, entityId: String(id), after: doc });
    return doc;
  });
}

export async function loadDocument(
  trx: Trx,
  t: string,
  kind: DocumentKind,
  id: number,
): Promise<DocumentDetail> {
  const row = await repo.findDocument(trx, t, kind, id);
  if (!row) throw AparErrors.documentNotFound(kind, id);
  const lines = await repo.listLines(trx, t, kind, id);
  const allocations = await repo.listAllocations(trx, t, { docKind: kind, docId: id });
  return {
    ...toDocument(row),
    lines: lines.map((l) => ({
      position: l.position,
      description: l.description,
      quantity: c(l.quantity),
      unitPrice: c(l.unit_price),
      taxRate: c(l.tax_rate),
      net: c(l.net),
      tax: c(l.tax),
      total: c(l.total),
    })),
    allocations: allocations.map((a) => ({
      sourceKind: a.source_kind,
      sourceId: Number(a.source_id),
      docKind: a.doc_kind,
      docId: Number(a.doc_id),
      amount: c(a.amount),
      date: a.date,
    })),
  };
}

/** One document with lines and what was applied to it, or 404. */
export function getDocument(
  deps: AparDeps,
  caller: Caller,
  kind: DocumentKind,
  id: number,
): Promise<DocumentDetail> {
  return inTenant(deps, caller, (trx) => loadDocument(trx, caller.tenantId, kind, id));
}

/** Documents of one kind by id from `offset`, filtered by party, project, status, with the total. */
export function listDocuments(
  deps: AparDeps,
  caller: Caller,
  kind: DocumentKind,
  filter: repo.DocumentFilter,
  offset: number,
  limit: number,
  sort: SortKey[] = [],
): Promise<Listed<Document>> {
  return inTenant(deps, caller, async (trx) => {
    const res = await repo.listDocuments(trx, caller.tenantId, kind, filter, offset, limit, sort);
    return { rows: res.rows.map(toDocument), total: res.total };
  });
}
