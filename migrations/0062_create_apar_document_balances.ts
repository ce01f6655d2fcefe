import { sql, type Kysely } from 'kysely';

/**
 * A per-document rollup of apar.ledger (ADR 0019): each document's current open balance and the
 * date of its latest entry, kept by a statement-level trigger on the ledger insert, so it changes
 * in the same transaction as the entries. It is a cache, never a source: the app role can only
 * read it, only the trigger (security definer) writes it, and `apar.balance_drift()` lists every
 * document where it differs from the ledger. Aging as of a date reads the current open balance of
 * documents with no entry after that date and sums the ledger only for the others.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // The document's party, currency, rate and dates are copied in (a posted document never changes),
  // so aging reads this table alone.
  await sql`
    create table apar.document_balances (
      tenant_id       uuid not null,
      doc_kind        text not null,
      doc_id          bigint not null,
      party_id        bigint not null,
      currency        text not null,
      exchange_rate   numeric(38,10) not null,
      issue_date      date not null,
      due_date        date not null,
      open            numeric(38,10) not null,
      last_entry_date date not null,
      primary key (tenant_id, doc_kind, doc_id)
    )
  `.execute(db);
  // Open documents with no entry after a date: a range on this partial index, all columns included.
  await sql`create index document_balances_open_idx on apar.document_balances (tenant_id, doc_kind, last_entry_date)
    include (party_id, currency, exchange_rate, issue_date, due_date, open) where open > 0`.execute(db);
  // Documents with entries after a date (their balance as of the date comes from the ledger).
  await sql`create index document_balances_last_idx on apar.document_balances (tenant_id, doc_kind, last_entry_date)
    include (issue_date)`.execute(db);

  // A party's balance: its documents' rollups plus its unapplied credit (ledger entries on no document).
  await sql`create index document_balances_party_idx on apar.document_balances (tenant_id, party_id) include (doc_kind, open)`.execute(
    db,
  );
  await sql`create index ledger_unapplied_idx on apar.ledger (tenant_id, side, party_id) include (amount) where doc_id is null`.execute(
    db,
  );

  await sql`
    create function apar.ledger_rollup() returns trigger
    language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
    begin
      insert into apar.document_balances (tenant_id, doc_kind, doc_id, party_id, currency, exchange_rate, issue_date, due_date, open, last_entry_date)
      select n.tenant_id, n.doc_kind, n.doc_id, d.party_id, d.currency, d.exchange_rate, d.issue_date, d.due_date, n.open, n.last_entry_date
      from (select tenant_id, doc_kind, doc_id, sum(amount) as open, max(entry_date) as last_entry_date
            from new_rows where doc_id is not null group by tenant_id, doc_kind, doc_id) n
      join apar.documents d on d.tenant_id = n.tenant_id and d.kind = n.doc_kind and d.id = n.doc_id
      on conflict (tenant_id, doc_kind, doc_id) do update
        set open = apar.document_balances.open + excluded.open,
            last_entry_date = greatest(apar.document_balances.last_entry_date, excluded.last_entry_date);
      return null;
    end $$
  `.execute(db);
  await sql`create trigger ledger_rollup after insert on apar.ledger referencing new table as new_rows
    for each statement execute function apar.ledger_rollup()`.execute(db);

  // Documents whose cached balance differs from their ledger (empty when the cache is right).
  await sql`
    create function apar.balance_drift() returns table (doc_kind text, doc_id bigint, cached numeric, ledger numeric)
    language sql stable set search_path = pg_catalog, pg_temp as $$
      select coalesce(b.doc_kind, l.doc_kind), coalesce(b.doc_id, l.doc_id), b.open, l.open
      from (select tenant_id, doc_kind, doc_id, open, last_entry_date from apar.document_balances) b
      full join (select tenant_id, doc_kind, doc_id, sum(amount) as open, max(entry_date) as last_entry_date
                 from apar.ledger where doc_id is not null group by tenant_id, doc_kind, doc_id) l
        on l.tenant_id = b.tenant_id and l.doc_kind = b.doc_kind and l.doc_id = b.doc_id
      where b.open is distinct from l.open or b.last_entry_date is distinct from l.last_entry_date
    $$
  `.execute(db);
  await sql`grant execute on function apar.balance_drift() to fig_app`.execute(db);

  await sql`
    insert into apar.document_balances (tenant_id, doc_kind, doc_id, party_id, currency, exchange_rate, issue_date, due_date, open, last_entry_date)
    select n.tenant_id, n.doc_kind, n.doc_id, d.party_id, d.currency, d.exchange_rate, d.issue_date, d.due_date, n.open, n.last_entry_date
    from (select tenant_id, doc_kind, doc_id, sum(amount) as open, max(entry_date) as last_entry_date
          from apar.ledger where doc_id is not null group by tenant_id, doc_kind, doc_id) n
    join apar.documents d on d.tenant_id = n.tenant_id and d.kind = n.doc_kind and d.id = n.doc_id
  `.execute(db);

  await sql`alter table apar.document_balances enable row level security, force row level security`.execute(
    db,
  );
  await sql`create policy document_balances_tenant on apar.document_balances using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant())`.execute(
    db,
  );
  await sql`grant select on apar.document_balances to fig_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
