import { sql, type RawBuilder } from 'kysely';
import type { Trx } from '../core/db';
import type { AllocationRow, ContactRow, DocumentRow, LineRow, PartyRow, PaymentRow } from './tables';
import type { SortKey } from './schema';

/** SQL columns of each list's sortable fields (the allow-list is SORT_FIELDS in schema.ts). */
const SORT_COLUMNS: Record<string, Record<string, string>> = {
  documents: { id: 'd.id', number: 'd.number', issueDate: 'd.issue_date', dueDate: 'd.due_date', amount: 'd.amount', partyId: 'd.party_id', createdAt: 'd.created_at' },
  parties: { id: 'p.id', name: 'p.name', createdAt: 'p.created_at' },
  payments: { id: 'p.id', date: 'p.date', amount: 'p.amount', partyId: 'p.party_id', createdAt: 'p.created_at' },
};
/** `order by` for a sort (unknown fields were refused at validation), id last as the tie-break. */
function orderBy(list: keyof typeof SORT_COLUMNS, sort: SortKey[], idCol: string) {
  const cols = SORT_COLUMNS[list]!;
  const keys = sort.filter((k) => cols[k.field]).map((k) => `${cols[k.field]} ${k.dir === 'desc' ? 'desc' : 'asc'}`);
  const desc = sort[0]?.field === 'id' && sort[0].dir === 'desc';
  return sql.raw([...keys.filter((k) => !k.startsWith(`${idCol} `)), `${idCol} ${desc ? 'desc' : 'asc'}`].join(', '));
}

/** Kysely queries on the apar schema. Every function takes the tenant transaction first. */

const iso = (col: string) => sql.raw(`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/**
 * The next value of a per-tenant counter (ids, numbers). The row stays locked until the
 * transaction ends, so numbers are handed out in commit order and a rollback returns its number.
 */
export async function nextCounter(trx: Trx, tenantId: string, name: string): Promise<number> {
  const { rows } = await sql<{ value: string }>`
    insert into apar.counters (tenant_id, name, value) values (${tenantId}, ${name}, 1)
    on conflict (tenant_id, name) do update set value = apar.counters.value + 1
    returning value`.execute(trx);
  return Number(rows[0]!.value);
}

/** The id for a new entity: the imposed one (the counter moves up to it), else the counter's next. */
export async function takeId(trx: Trx, tenantId: string, name: string, imposed?: number): Promise<number> {
  if (imposed === undefined) return nextCounter(trx, tenantId, name);
  await raiseCounter(trx, tenantId, name, imposed);
  return imposed;
}

/** Raise a counter to at least `value` without handing a number out (backfill, imposed ids). */
export async function raiseCounter(trx: Trx, tenantId: string, name: string, value: number): Promise<void> {
  await sql`
    insert into apar.counters (tenant_id, name, value) values (${tenantId}, ${name}, ${value})
    on conflict (tenant_id, name) do update set value = greatest(apar.counters.value, ${value})`.execute(trx);
}

// ---- parties

/** A party's balance = Σ its ledger = its documents' rolled-up balances + its unapplied credit (entries on no document). */
const partyBalance = sql`(coalesce((select sum(b.open) from apar.document_balances b where b.tenant_id = p.tenant_id and b.party_id = p.id
        and b.doc_kind = any(case p.kind when 'customer' then '{invoice,credit_note}'::text[] else '{bill,vendor_credit}'::text[] end)), 0)
      + coalesce((select sum(l.amount) from apar.ledger l where l.tenant_id = p.tenant_id and l.doc_id is null
        and l.side = case p.kind when 'customer' then 'AR' else 'AP' end and l.party_id = p.id), 0))::text`;
const partySelect = (where: RawBuilder<unknown>, withBalance = true) => sql`
  select p.id, p.kind, p.name, p.email, ${iso('p.created_at')} as created_at,
    ${withBalance ? partyBalance : sql`null`} as balance
  from apar.parties p where ${where}`;

export async function insertParty(
  trx: Trx,
  t: string,
  p: { kind: string; id: number; name: string; email: string | null; createdAt?: string },
) {
  await sql`insert into apar.parties (tenant_id, kind, id, name, email, created_at)
    values (${t}, ${p.kind}, ${p.id}, ${p.name}, ${p.email}, coalesce(${p.createdAt ?? null}::timestamptz, now()))`.execute(
    trx,
  );
}

export async function findParty(
  trx: Trx,
  t: string,
  kind: string,
  id: number,
): Promise<PartyRow | undefined> {
  const { rows } =
    await sql<PartyRow>`${partySelect(sql`p.tenant_id = ${t} and p.kind = ${kind} and p.id = ${id}`)}`.execute(
      trx,
    );
  return rows[0];
}

/**
 * Customers or vendors by id with the total. `withBalance: false` leaves `balance` null: the balance
 * sums every document of each party, and legacy's party shape has none.
 */
export async function listParties(
  trx: Trx,
  t: string,
  kind: string,
  offset: number,
  limit: number,
  withBalance = true,
  sort: SortKey[] = [],
) {
  const { rows } =
    await sql<PartyRow>`${partySelect(sql`p.tenant_id = ${t} and p.kind = ${kind}`, withBalance)} order by ${orderBy('parties', sort, 'p.id')} limit ${limit} offset ${offset}`.execute(
      trx,
    );
  const total = await sql<{
    n: string;
  }>`select count(*) as n from apar.parties where tenant_id = ${t} and kind = ${kind}`.execute(trx);
  return { rows, total: Number(total.rows[0]!.n) };
}

export async function insertContact(
  trx: Trx,
  t: string,
  kind: string,
  partyId: number,
  c: { name: string; email?: string | null; phone?: string | null; role?: string | null },
) {
  await sql`insert into apar.contacts (tenant_id, party_kind, party_id, name, email, phone, role)
    values (${t}, ${kind}, ${partyId}, ${c.name}, ${c.email ?? null}, ${c.phone ?? null}, ${c.role ?? null})`.execute(
    trx,
  );
}

export async function listContacts(
  trx: Trx,
  t: string,
  kind: string,
  partyIds: number[],
): Promise<ContactRow[]> {
  if (partyIds.length === 0) return [];
  const { rows } =
    await sql<ContactRow>`select id, party_id, name, email, phone, role, ${iso('created_at')} as created_at
    from apar.contacts where tenant_id = ${t} and party_kind = ${kind} and party_id = any(${partyIds}::bigint[]) order by id`.execute(
      trx,
    );
  return rows;
}

// ---- documents

const documentSelect = (where: RawBuilder<unknown>) => sql`
  select d.id, d.kind, d.number, d.party_id, d.project_id, d.issue_date::text as issue_date, d.due_date::text as due_date,
    d.currency, d.exchange_rate::text, d.subtotal::text, d.tax_total::text, d.amount::text, d.description, d.category,
    d.approval, ${iso('d.created_at')} as created_at, ${iso('d.sent_at')} as sent_at, coalesce(b.open, 0)::text as open
  from apar.documents d
  left join apar.document_balances b on b.tenant_id = d.tenant_id and b.doc_kind = d.kind and b.doc_id = d.id
  where ${where}`;

export async function numberTaken(trx: Trx, t: string, kind: string, number: string): Promise<boolean> {
  const { rows } =
    await sql`select 1 from apar.documents where tenant_id = ${t} and kind = ${kind} and number = ${number}`.execute(
      trx,
    );
  return rows.length > 0;
}

export async function insertDocument(
  trx: Trx,
  t: string,
  d: Omit<DocumentRow, 'open' | 'created_at' | 'sent_at' | 'id' | 'party_id' | 'project_id' | 'approval'> & {
    approval?: DocumentRow['approval'];
    id: number;
    party_kind: string;
    party_id: number;
    project_id: number | null;
    created_by: string;
    created_at?: string;
  },
) {
  await sql`insert into apar.documents (tenant_id, kind, id, number, party_kind, party_id, project_id, issue_date, due_date, currency,
      exchange_rate, subtotal, tax_total, amount, description, category, created_by, created_at, approval)
    values (${t}, ${d.kind}, ${d.id}, ${d.number}, ${d.party_kind}, ${d.party_id}, ${d.project_id}, ${d.issue_date}, ${d.due_date}, ${d.currency},
      ${d.exchange_rate}, ${d.subtotal}, ${d.tax_total}, ${d.amount}, ${d.description}, ${d.category}, ${d.created_by},
      coalesce(${d.created_at ?? null}::timestamptz, now()), ${d.approval ?? 'not_required'})`.execute(trx);
}

/** Move a bill's approval state; only from one of `from` (false when it was not in one of them). */
export async function setApproval(
  trx: Trx,
  t: string,
  id: number,
  to: DocumentRow['approval'],
  from: DocumentRow['approval'][],
): Promise<boolean> {
  const { rows } = await sql`update apar.documents set approval = ${to}
    where tenant_id = ${t} and kind = 'bill' and id = ${id} and approval = any(${from}::text[]) returning id`.execute(
    trx,
  );
  return rows.length > 0;
}

/** Change a posted document's description (the one field that moves no money). */
export async function setDescription(
  trx: Trx,
  t: string,
  kind: string,
  id: number,
  description: string | null,
) {
  await sql`update apar.documents set description = ${description} where tenant_id = ${t} and kind = ${kind} and id = ${id}`.execute(
    trx,
  );
}

export async function insertLines(trx: Trx, t: string, kind: string, id: number, lines: LineRow[]) {
  for (const l of lines) {
    await sql`insert into apar.document_lines (tenant_id, doc_kind, doc_id, position, description, quantity, unit_price, tax_rate, net, tax, total)
      values (${t}, ${kind}, ${id}, ${l.position}, ${l.description}, ${l.quantity}, ${l.unit_price}, ${l.tax_rate}, ${l.net}, ${l.tax}, ${l.total})`.execute(
      trx,
    );
  }
}

export async function findDocument(
  trx: Trx,
  t: string,
  kind: string,
  id: number,
  opts: { forUpdate?: boolean } = {},
): Promise<DocumentRow | undefined> {
  // Lock in a statement of its own: the read after it sees the balance a concurrent writer committed.
  if (opts.forUpdate) {
    await sql`select 1 from apar.documents where tenant_id = ${t} and kind = ${kind} and id = ${id} for update`.execute(
      trx,
    );
  }
  const { rows } =
    await sql<DocumentRow>`${documentSelect(sql`d.tenant_id = ${t} and d.kind = ${kind} and d.id = ${id}`)}`.execute(
      trx,
    );
  return rows[0];
}

export interface DocumentFilter {
  partyId?: number;
  projectId?: number;
  status?: 'open' | 'partial' | 'paid';
}

/**
 * Documents of one kind, by id, with the total. Without a status filter the page's ids and the
 * count come from the documents' indexes alone; with one, from the rollup's stored status
 * (migration 0064: `document_balances.status`, derived from the ledger balance), so neither joins
 * every document to its balance. Every posted document has a rollup row (its posting entry is in
 * the same transaction). A deep offset skips bare index entries, never built rows. The total of
 * a list filtered by nothing or by status alone is the kept count (migration 0096, ADR 0032): a
 * sum over at most 16 rows, not a count of every document.
 */
export async function listDocuments(
  trx: Trx,
  t: string,
  kind: string,
  f: DocumentFilter,
  offset: number,
  limit: number,
  sort: SortKey[] = [],
) {
  let from: RawBuilder<unknown>;
  let idCol: RawBuilder<unknown>;
  const conds: RawBuilder<unknown>[] = [];
  if (f.status === undefined) {
    from = sql`apar.documents d`;
    idCol = sql`d.id`;
    conds.push(sql`d.tenant_id = ${t}`, sql`d.kind = ${kind}`);
    if (f.partyId !== undefined) conds.push(sql`d.party_id = ${f.partyId}`);
  } else {
    from =
      f.projectId === undefined
        ? sql`apar.document_balances b`
        : sql`apar.document_balances b join apar.documents d on d.tenant_id = b.tenant_id and d.kind = b.doc_kind and d.id = b.doc_id`;
    idCol = sql`b.doc_id`;
    conds.push(sql`b.tenant_id = ${t}`, sql`b.doc_kind = ${kind}`, sql`b.status = ${f.status}`);
    if (f.partyId !== undefined) conds.push(sql`b.party_id = ${f.partyId}`);
  }
  if (f.projectId !== undefined) conds.push(sql`d.project_id = ${f.projectId}`);
  const where = sql.join(conds, sql` and `);
  const count =
    f.partyId === undefined && f.projectId === undefined
      ? sql`select coalesce(sum(${f.status === undefined ? sql`open + partial + paid` : sql.ref(f.status)}), 0)
          from apar.document_counts where tenant_id = ${t} and doc_kind = ${kind}`
      : sql`select count(*) from ${from} where ${where}`;
  if (sort.length) {
    // Sorted (fig's API): the page's ids in sort order (id breaks ties), then their rows in that order.
    const sc = [sql`d.tenant_id = ${t}`, sql`d.kind = ${kind}`];
    if (f.partyId !== undefined) sc.push(sql`d.party_id = ${f.partyId}`);
    if (f.projectId !== undefined) sc.push(sql`d.project_id = ${f.projectId}`);
    if (f.status !== undefined) sc.push(sql`b.status = ${f.status}`);
    const ids = sql`array(select d.id from apar.documents d
      join apar.document_balances b on b.tenant_id = d.tenant_id and b.doc_kind = d.kind and b.doc_id = d.id
      where ${sql.join(sc, sql` and `)} order by ${orderBy('documents', sort, 'd.id')} limit ${limit} offset ${offset})`;
    const sorted = await sql<DocumentRow>`with page as (select ${ids} as ids)
      ${documentSelect(sql`d.tenant_id = ${t} and d.kind = ${kind} and d.id = any((select ids from page)::bigint[])`)}
      order by array_position((select ids from page), d.id)`.execute(trx);
    const n = await sql<{ n: string }>`select (${count}) as n`.execute(trx);
    return { rows: sorted.rows, total: Number(n.rows[0]!.n) };
  }
  // The total rides on the page's rows (one round trip); an empty page asks for it alone.
  const { rows } = await sql<DocumentRow & { total: string }>`
    select p.*, (${count}) as total from (${documentSelect(sql`d.tenant_id = ${t} and d.kind = ${kind} and d.id = any(array(
      select ${idCol} from ${from} where ${where} order by ${idCol} limit ${limit} offset ${offset}))`)}) p
    order by p.id`.execute(trx);
  const total = rows.length
    ? rows[0]!.total
    : (await sql<{ n: string }>`select (${count}) as n`.execute(trx)).rows[0]!.n;
  return { rows, total: Number(total) };
}

export async function listLines(trx: Trx, t: string, kind: string, id: number): Promise<LineRow[]> {
  const { rows } =
    await sql<LineRow>`select position, description, quantity::text, unit_price::text, tax_rate::text, net::text, tax::text, total::text
    from apar.document_lines where tenant_id = ${t} and doc_kind = ${kind} and doc_id = ${id} order by position`.execute(
      trx,
    );
  return rows;
}

/** A party's documents with something still open (positive), oldest due first: auto-allocation order. */
export async function openDocuments(
  trx: Trx,
  t: string,
  kind: string,
  partyId: number,
): Promise<DocumentRow[]> {
  // Lock the party's documents first: two payments applied at once must not both take one balance.
  await sql`select 1 from apar.documents where tenant_id = ${t} and kind = ${kind} and party_id = ${partyId} for update`.execute(
    trx,
  );
  const { rows } =
    await sql<DocumentRow>`${documentSelect(sql`d.tenant_id = ${t} and d.kind = ${kind} and d.party_id = ${partyId} and b.open > 0`)}
    order by d.due_date, d.id`.execute(trx);
  return rows;
}

// ---- payments and allocations

const paymentSelect = (where: RawBuilder<unknown>) => sql`
  select p.id, p.kind, p.party_id, p.amount::text, p.currency, p.exchange_rate::text, p.date::text as date, p.method, p.reference,
    ${iso('p.created_at')} as created_at,
    (-coalesce((select sum(l.amount) from apar.ledger l where l.tenant_id = p.tenant_id and l.source_kind = p.kind
      and l.source_id = p.id and l.doc_id is null), 0))::text as unapplied
  from apar.payments p where ${where}`;

export async function insertPayment(
  trx: Trx,
  t: string,
  p: Omit<PaymentRow, 'unapplied' | 'created_at' | 'id' | 'party_id'> & {
    id: number;
    party_kind: string;
    party_id: number;
    created_by: string;
    created_at?: string;
  },
) {
  await sql`insert into apar.payments (tenant_id, kind, id, party_kind, party_id, amount, currency, exchange_rate, date, method, reference, created_by, created_at)
    values (${t}, ${p.kind}, ${p.id}, ${p.party_kind}, ${p.party_id}, ${p.amount}, ${p.currency}, ${p.exchange_rate}, ${p.date}, ${p.method},
      ${p.reference}, ${p.created_by}, coalesce(${p.created_at ?? null}::timestamptz, now()))`.execute(trx);
}

export async function findPayment(
  trx: Trx,
  t: string,
  kind: string,
  id: number,
): Promise<PaymentRow | undefined> {
  const { rows } =
    await sql<PaymentRow>`${paymentSelect(sql`p.tenant_id = ${t} and p.kind = ${kind} and p.id = ${id}`)}`.execute(
      trx,
    );
  return rows[0];
}

export async function listPayments(
  trx: Trx,
  t: string,
  kind: string,
  partyId: number | undefined,
  offset: number,
  limit: number,
  sort: SortKey[] = [],
) {
  const where =
    partyId === undefined
      ? sql`p.tenant_id = ${t} and p.kind = ${kind}`
      : sql`p.tenant_id = ${t} and p.kind = ${kind} and p.party_id = ${partyId}`;
  const { rows } =
    await sql<PaymentRow>`${paymentSelect(where)} order by ${orderBy('payments', sort, 'p.id')} limit ${limit} offset ${offset}`.execute(trx);
  const c = await sql<{ n: string }>`select count(*) as n from apar.payments p where ${where}`.execute(trx);
  return { rows, total: Number(c.rows[0]!.n) };
}

export async function insertAllocation(
  trx: Trx,
  t: string,
  a: { sourceKind: string; sourceId: number; docKind: string; docId: number; amount: string; date: string },
) {
  await sql`insert into apar.allocations (tenant_id, source_kind, source_id, doc_kind, doc_id, amount, date)
    values (${t}, ${a.sourceKind}, ${a.sourceId}, ${a.docKind}, ${a.docId}, ${a.amount}, ${a.date})`.execute(
    trx,
  );
}

/** Allocations by source (a payment's) or by document (an invoice's), in date then creation order. */
export async function listAllocations(
  trx: Trx,
  t: string,
  by: { sourceKind: string; sourceIds: number[] } | { docKind: string; docId: number },
): Promise<AllocationRow[]> {
  const where =
    'sourceKind' in by
      ? sql`source_kind = ${by.sourceKind} and source_id = any(${by.sourceIds}::bigint[])`
      : sql`doc_kind = ${by.docKind} and doc_id = ${by.docId}`;
  const { rows } =
    await sql<AllocationRow>`select source_kind, source_id, doc_kind, doc_id, amount::text, date::text as date
    from apar.allocations where tenant_id = ${t} and ${where} order by date, id`.execute(trx);
  return rows;
}

export async function insertWriteOff(
  trx: Trx,
  t: string,
  w: {
    id: number;
    docKind: string;
    docId: number;
    amount: string;
    reason: string;
    date: string;
    createdBy: string;
  },
) {
  await sql`insert into apar.write_offs (tenant_id, id, doc_kind, doc_id, amount, reason, date, created_by)
    values (${t}, ${w.id}, ${w.docKind}, ${w.docId}, ${w.amount}, ${w.reason}, ${w.date}, ${w.createdBy})`.execute(
    trx,
  );
}

export * from './repo-ledger';
export * from './repo-collections';
