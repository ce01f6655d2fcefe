import { sql } from 'kysely';
import type { Trx } from '../core/db';

/** Collections, activity timeline and saved-view queries on the apar schema (repo.ts re-exports them). */

const iso = (col: string) => sql.raw(`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

export interface ActivityInsert {
  partyKind: string;
  partyId: number;
  docKind: string | null;
  docId: number | null;
  type: 'note' | 'promise' | 'sent';
  text: string;
  promisedDate: string | null;
  promisedAmount: string | null;
  createdBy: string;
}

export async function insertActivity(trx: Trx, t: string, a: ActivityInsert): Promise<number> {
  const { rows } = await sql<{ id: string }>`insert into apar.activities
      (tenant_id, party_kind, party_id, doc_kind, doc_id, type, text, promised_date, promised_amount, created_by)
    values (${t}, ${a.partyKind}, ${a.partyId}, ${a.docKind}, ${a.docId}, ${a.type}, ${a.text}, ${a.promisedDate},
      ${a.promisedAmount}, ${a.createdBy}) returning id`.execute(trx);
  return Number(rows[0]!.id);
}

export interface TimelineRow {
  type: string;
  date: string;
  at: string;
  doc_kind: string | null;
  doc_id: string | null;
  source_kind: string | null;
  source_id: string | null;
  amount: string | null;
  text: string | null;
  promised_date: string | null;
  actor: string | null;
}

/**
 * One party's (or one document's) activity, oldest first: documents posted, allocations of
 * payments and credits, write-offs (from the ledger's own tables) and the recorded activities.
 */
export async function timeline(
  trx: Trx,
  t: string,
  by: { partyKind: string; partyId: number } | { docKind: string; docId: number },
): Promise<TimelineRow[]> {
  const party = 'partyKind' in by;
  const docs = party
    ? sql`d.party_kind = ${by.partyKind} and d.party_id = ${by.partyId}`
    : sql`d.kind = ${by.docKind} and d.id = ${by.docId}`;
  const acts = party
    ? sql`a.party_kind = ${by.partyKind} and a.party_id = ${by.partyId}`
    : sql`a.doc_kind = ${by.docKind} and a.doc_id = ${by.docId}`;
  const { rows } = await sql<TimelineRow>`
    select * from (
      select 'created' as type, d.issue_date::text as date, ${iso('d.created_at')} as at, d.kind as doc_kind, d.id::text as doc_id,
        d.kind as source_kind, d.id::text as source_id, d.amount::text as amount, d.number as text, null::text as promised_date, d.created_by as actor
      from apar.documents d where d.tenant_id = ${t} and ${docs}
      union all
      select case when al.source_kind in ('received', 'made') then 'payment' else 'credit' end, al.date::text, ${iso('d.created_at')},
        al.doc_kind, al.doc_id::text, al.source_kind, al.source_id::text, al.amount::text, null, null, null
      from apar.allocations al join apar.documents d on d.tenant_id = al.tenant_id and d.kind = al.doc_kind and d.id = al.doc_id
      where al.tenant_id = ${t} and ${docs}
      union all
      select 'write_off', w.date::text, ${iso('w.created_at')}, w.doc_kind, w.doc_id::text, 'write_off', w.id::text, w.amount::text, w.reason, null, w.created_by
      from apar.write_offs w join apar.documents d on d.tenant_id = w.tenant_id and d.kind = w.doc_kind and d.id = w.doc_id
      where w.tenant_id = ${t} and ${docs}
      union all
      select a.type, (a.created_at at time zone 'UTC')::date::text, ${iso('a.created_at')}, a.doc_kind, a.doc_id::text, null, null,
        a.promised_amount::text, a.text, a.promised_date::text, a.created_by
      from apar.activities a where a.tenant_id = ${t} and ${acts}
    ) e order by date, at, type`.execute(trx);
  return rows;
}

export interface OverdueRow {
  party_id: string;
  name: string;
  doc_id: string;
  number: string;
  due_date: string;
  currency: string;
  open: string;
  base_open: string;
}

/** Customers with overdue open invoices as of a date (from the rollup), a page of customers by id. */
export async function overdueCustomers(
  trx: Trx,
  t: string,
  asOf: string,
  offset: number,
  limit: number,
): Promise<{ rows: OverdueRow[]; total: number }> {
  const overdue = sql`b.tenant_id = ${t} and b.doc_kind = 'invoice' and b.open > 0 and b.due_date < ${asOf}`;
  const { rows } = await sql<OverdueRow>`
    with page as (
      select distinct b.party_id from apar.document_balances b where ${overdue}
      order by b.party_id limit ${limit} offset ${offset})
    select b.party_id::text, p.name, b.doc_id::text, d.number, b.due_date::text, b.currency, b.open::text,
      (b.open * b.exchange_rate)::text as base_open
    from apar.document_balances b
    join page on page.party_id = b.party_id
    join apar.parties p on p.tenant_id = b.tenant_id and p.kind = 'customer' and p.id = b.party_id
    join apar.documents d on d.tenant_id = b.tenant_id and d.kind = b.doc_kind and d.id = b.doc_id
    where ${overdue}
    order by b.party_id, b.due_date, b.doc_id`.execute(trx);
  const c = await sql<{
    n: string;
  }>`select count(distinct b.party_id) as n from apar.document_balances b where ${overdue}`.execute(trx);
  return { rows, total: Number(c.rows[0]!.n) };
}

export interface LatestActivityRow {
  party_id: string;
  type: 'note' | 'promise';
  text: string;
  promised_date: string | null;
  promised_amount: string | null;
  at: string;
  actor: string;
}

/** The latest promise and the latest note of each of `partyIds` (customers). */
export async function latestActivities(
  trx: Trx,
  t: string,
  partyIds: number[],
): Promise<LatestActivityRow[]> {
  if (partyIds.length === 0) return [];
  const { rows } = await sql<LatestActivityRow>`
    select distinct on (a.party_id, a.type) a.party_id::text, a.type, a.text, a.promised_date::text, a.promised_amount::text,
      ${iso('a.created_at')} as at, a.created_by as actor
    from apar.activities a
    where a.tenant_id = ${t} and a.party_kind = 'customer' and a.party_id = any(${partyIds}::bigint[]) and a.type in ('note', 'promise')
    order by a.party_id, a.type, a.created_at desc, a.id desc`.execute(trx);
  return rows;
}

// ---- saved views

export interface SavedViewRow {
  id: string;
  list: string;
  name: string;
  filters: Record<string, unknown>;
  sort: Array<{ field: string; dir: 'asc' | 'desc' }>;
  created_at: string;
  updated_at: string;
}

const viewCols = sql`id, list, name, filters, sort, ${iso('created_at')} as created_at, ${iso('updated_at')} as updated_at`;

export async function listSavedViews(
  trx: Trx,
  t: string,
  userId: string,
  list?: string,
): Promise<SavedViewRow[]> {
  const byList = list === undefined ? sql`true` : sql`list = ${list}`;
  const { rows } = await sql<SavedViewRow>`select ${viewCols} from apar.saved_views
    where tenant_id = ${t} and user_id = ${userId} and ${byList} order by list, name`.execute(trx);
  return rows;
}

export async function insertSavedView(
  trx: Trx,
  t: string,
  userId: string,
  v: { list: string; name: string; filters: unknown; sort: unknown },
): Promise<SavedViewRow> {
  const { rows } =
    await sql<SavedViewRow>`insert into apar.saved_views (tenant_id, user_id, list, name, filters, sort)
    values (${t}, ${userId}, ${v.list}, ${v.name}, ${JSON.stringify(v.filters)}::jsonb, ${JSON.stringify(v.sort)}::jsonb)
    returning ${viewCols}`.execute(trx);
  return rows[0]!;
}

export async function updateSavedView(
  trx: Trx,
  t: string,
  userId: string,
  id: string,
  v: { list: string; name: string; filters: unknown; sort: unknown },
): Promise<SavedViewRow | undefined> {
  const { rows } = await sql<SavedViewRow>`update apar.saved_views
    set list = ${v.list}, name = ${v.name}, filters = ${JSON.stringify(v.filters)}::jsonb, sort = ${JSON.stringify(v.sort)}::jsonb,
      updated_at = now()
    where tenant_id = ${t} and user_id = ${userId} and id = ${id} returning ${viewCols}`.execute(trx);
  return rows[0];
}

export async function deleteSavedView(trx: Trx, t: string, userId: string, id: string): Promise<boolean> {
  const { rows } =
    await sql`delete from apar.saved_views where tenant_id = ${t} and user_id = ${userId} and id = ${id} returning id`.execute(
      trx,
    );
  return rows.length > 0;
}
