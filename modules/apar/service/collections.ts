import { Decimal, canonicalDecimal } from '../../core/decimal';
import { AparErrors } from '../errors';
import * as repo from '../repo';
import type { ActivityBody, DocumentKind, PartyKind, TimelineEvent } from '../schema';
import { ActivityBody as ActivityBodySchema } from '../schema';
import { audit, inTenant, today, type AparDeps, type Caller, type Listed } from './context';
import { PARTY_OF_DOCUMENT } from './kinds';

const c = canonicalDecimal;
const DAY = 86_400_000;
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY);

const toEvent = (r: repo.TimelineRow): TimelineEvent => ({
  type: r.type as TimelineEvent['type'],
  date: r.date,
  at: r.at,
  documentKind: r.doc_kind,
  documentId: r.doc_id === null ? null : Number(r.doc_id),
  sourceKind: r.source_kind,
  sourceId: r.source_id === null ? null : Number(r.source_id),
  amount: r.amount === null ? null : c(r.amount),
  text: r.text,
  promisedDate: r.promised_date,
  actor: r.actor,
});

/** Record a note, a promise to pay or a "sent" mark on a customer or vendor (optionally one of its documents); audited. */
export function recordActivity(
  deps: AparDeps,
  caller: Caller,
  kind: PartyKind,
  partyId: number,
  input: ActivityBody,
): Promise<TimelineEvent[]> {
  const body = ActivityBodySchema.parse(input);
  return inTenant(deps, caller, async (trx) => {
    const t = caller.tenantId;
    if (!(await repo.findParty(trx, t, kind, partyId))) throw AparErrors.partyNotFound(kind, partyId);
    if (body.documentKind !== undefined && body.documentId !== undefined) {
      const doc = await repo.findDocument(trx, t, body.documentKind, body.documentId);
      if (!doc || PARTY_OF_DOCUMENT[body.documentKind] !== kind || Number(doc.party_id) !== partyId)
        throw AparErrors.refused(`The document is not one of this ${kind}'s`, [
          { path: 'body.documentId', message: `not a document of this ${kind}`, code: 'party' },
        ]);
    }
    const id = await repo.insertActivity(trx, t, {
      partyKind: kind,
      partyId,
      docKind: body.documentKind ?? null,
      docId: body.documentId ?? null,
      type: body.type,
      text: body.text,
      promisedDate: body.promisedDate ?? null,
      promisedAmount: body.promisedAmount ?? null,
      createdBy: caller.actor,
    });
    await audit(trx, caller, {
      action: `apar.activity.${body.type}`,
      entity: kind,
      entityId: String(partyId),
      after: { activityId: id, ...body },
    });
    return (await repo.timeline(trx, t, { partyKind: kind, partyId })).map(toEvent);
  });
}

/** A customer's or vendor's timeline: posted, sent, payments, credits, write-offs, notes, promises. */
export function partyTimeline(
  deps: AparDeps,
  caller: Caller,
  kind: PartyKind,
  partyId: number,
): Promise<TimelineEvent[]> {
  return inTenant(deps, caller, async (trx) => {
    if (!(await repo.findParty(trx, caller.tenantId, kind, partyId)))
      throw AparErrors.partyNotFound(kind, partyId);
    return (await repo.timeline(trx, caller.tenantId, { partyKind: kind, partyId })).map(toEvent);
  });
}

/** One document's timeline. */
export function documentTimeline(
  deps: AparDeps,
  caller: Caller,
  kind: DocumentKind,
  id: number,
): Promise<TimelineEvent[]> {
  return inTenant(deps, caller, async (trx) => {
    if (!(await repo.findDocument(trx, caller.tenantId, kind, id)))
      throw AparErrors.documentNotFound(kind, id);
    return (await repo.timeline(trx, caller.tenantId, { docKind: kind, docId: id })).map(toEvent);
  });
}

export interface CollectionsRow {
  customerId: number;
  name: string;
  overdueCount: number;
  overdueBaseTotal: string;
  oldestDueDate: string;
  daysOverdue: number;
  promise: { date: string; amount: string | null; at: string } | null;
  lastNote: { text: string; at: string; actor: string } | null;
  invoices: Array<{
    id: number;
    number: string;
    dueDate: string;
    daysOverdue: number;
    currency: string;
    balance: string;
  }>;
}

/** Customers with overdue invoices as of a date (default today), with their latest promise and note. */
export function collections(
  deps: AparDeps,
  caller: Caller,
  asOfIn: string | undefined,
  offset: number,
  limit: number,
): Promise<Listed<CollectionsRow>> {
  const asOf = asOfIn ?? today(deps);
  return inTenant(deps, caller, async (trx) => {
    const t = caller.tenantId;
    const got = await repo.overdueCustomers(trx, t, asOf, offset, limit);
    const byParty = new Map<string, CollectionsRow & { base: Decimal }>();
    for (const r of got.rows) {
      let row = byParty.get(r.party_id);
      if (!row) {
        row = {
          customerId: Number(r.party_id),
          name: r.name,
          overdueCount: 0,
          overdueBaseTotal: '0',
          oldestDueDate: r.due_date,
          daysOverdue: daysBetween(r.due_date, asOf),
          promise: null,
          lastNote: null,
          invoices: [],
          base: new Decimal(0),
        };
        byParty.set(r.party_id, row);
      }
      row.overdueCount++;
      row.base = row.base.plus(r.base_open);
      row.invoices.push({
        id: Number(r.doc_id),
        number: r.number,
        dueDate: r.due_date,
        daysOverdue: daysBetween(r.due_date, asOf),
        currency: r.currency,
        balance: c(r.open),
      });
    }
    const latest = await repo.latestActivities(
      trx,
      t,
      [...byParty.values()].map((r) => r.customerId),
    );
    for (const a of latest) {
      const row = byParty.get(a.party_id)!;
      if (a.type === 'promise')
        row.promise = {
          date: a.promised_date!,
          amount: a.promised_amount === null ? null : c(a.promised_amount),
          at: a.at,
        };
      else row.lastNote = { text: a.text, at: a.at, actor: a.actor };
    }
    const rows = [...byParty.values()].map(({ base, ...r }) => ({
      ...r,
      overdueBaseTotal: c(base.toDecimalPlaces(10, Decimal.ROUND_HALF_EVEN)),
    }));
    return { rows, total: got.total };
  });
}
