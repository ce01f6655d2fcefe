import { sql, type Kysely } from 'kysely';

/**
 * Faster AP/AR lists (ADR 0026). The rollup `apar.document_balances` also keeps each document's
 * amount and a stored status derived from its ledger balance (legacy's status_of: open while
 * nothing is settled, paid once nothing is open, partial between), so a status filter and its
 * count are index-only scans instead of a join of every document to its balance. The rollup stays
 * a cache written only by the ledger trigger (`apar.balance_drift()` still checks its balance).
 * Plus an index for one party's documents in id order (the legacy list's order), and a covering
 * index for aging's documents with entries after the date.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table apar.document_balances add column amount numeric(38,10)`.execute(db);
  await sql`update apar.document_balances b set amount = d.amount from apar.documents d
    where d.tenant_id = b.tenant_id and d.kind = b.doc_kind and d.id = b.doc_id`.execute(db);
  await sql`alter table apar.document_balances alter column amount set not null`.execute(db);
  // open is the signed ledger sum: a credit note's / vendor credit's open credit is negative.
  await sql`alter table apar.document_balances add column status text generated always as (
    case
      when (case when doc_kind in ('credit_note', 'vendor_credit') then -open else open end) <= 0 then 'paid'
      when amount - (case when doc_kind in ('credit_note', 'vendor_credit') then -open else open end) <= 0 then 'open'
      else 'partial'
    end) stored`.execute(db);
  await sql`create index document_balances_status_idx on apar.document_balances (tenant_id, doc_kind, status, doc_id)
    include (party_id)`.execute(db);
  // Aging's documents with entries after the date: the index covers what it reads (was a heap scan).
  await sql`drop index apar.document_balances_last_idx`.execute(db);
  await sql`create index document_balances_after_idx on apar.document_balances (tenant_id, doc_kind, last_entry_date)
    include (issue_date, party_id, currency, exchange_rate, due_date)`.execute(db);
  await sql`create index documents_party_id_idx on apar.documents (tenant_id, kind, party_id, id)`.execute(
    db,
  );

  await sql`
    create or replace function apar.ledger_rollup() returns trigger
    language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
    begin
      insert into apar.document_balances (tenant_id, doc_kind, doc_id, party_id, currency, exchange_rate, issue_date, due_date, amount, open, last_entry_date)
      select n.tenant_id, n.doc_kind, n.doc_id, d.party_id, d.currency, d.exchange_rate, d.issue_date, d.due_date, d.amount, n.open, n.last_entry_date
      from (select tenant_id, doc_kind, doc_id, sum(amount) as open, max(entry_date) as last_entry_date
            from new_rows where doc_id is not null group by tenant_id, doc_kind, doc_id) n
      join apar.documents d on d.tenant_id = n.tenant_id and d.kind = n.doc_kind and d.id = n.doc_id
      on conflict (tenant_id, doc_kind, doc_id) do update
        set open = apar.document_balances.open + excluded.open,
            last_entry_date = greatest(apar.document_balances.last_entry_date, excluded.last_entry_date);
      return null;
    end $$
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
