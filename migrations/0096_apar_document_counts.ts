import { sql, type Kysely } from 'kysely';

/**
 * List totals without counting every document per page (ADR 0032). `apar.document_counts` holds,
 * per tenant, document kind and stripe (party id mod 16), how many documents are open, partial and
 * paid. Triggers on `apar.document_balances` (the ledger rollup: every posted document has one row,
 * written in the document's own transaction) keep it in the same transaction: +1 when a document's
 * rollup row appears, −1/+1 when its stored status moves. A list's total is then a sum over at
 * most 16 rows instead of an index scan over every document (100,000 invoices: ~11 ms of Postgres
 * CPU per page before).
 *
 * Striping by party keeps writers of different parties off one hot row (a party's own writes
 * already serialise on its documents). Each trigger updates its rows in one statement in key
 * order. Like the rollup it is a cache: only the triggers (security definer) write it, the app role
 * reads it, and `apar.count_drift()` lists every (kind, status) whose count differs from the rollup.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table apar.document_counts (
      tenant_id  uuid not null,
      doc_kind   text not null,
      stripe     smallint not null,
      open       bigint not null default 0,
      partial    bigint not null default 0,
      paid       bigint not null default 0,
      primary key (tenant_id, doc_kind, stripe)
    )
  `.execute(db);

  // Both triggers add their changes in one statement, in key order (concurrent writers lock rows alike).
  await sql`
    create function apar.document_counts_on_insert() returns trigger
    language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
    begin
      insert into apar.document_counts as c (tenant_id, doc_kind, stripe, open, partial, paid)
      select tenant_id, doc_kind, (party_id % 16)::smallint, count(*) filter (where status = 'open'),
        count(*) filter (where status = 'partial'), count(*) filter (where status = 'paid')
      from new_rows group by 1, 2, 3 order by 1, 2, 3
      on conflict (tenant_id, doc_kind, stripe) do update
        set open = c.open + excluded.open, partial = c.partial + excluded.partial, paid = c.paid + excluded.paid;
      return null;
    end $$
  `.execute(db);
  await sql`
    create function apar.document_counts_on_update() returns trigger
    language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
    begin
      insert into apar.document_counts as c (tenant_id, doc_kind, stripe, open, partial, paid)
      select tenant_id, doc_kind, stripe,
        count(*) filter (where now = 'open') - count(*) filter (where was = 'open'),
        count(*) filter (where now = 'partial') - count(*) filter (where was = 'partial'),
        count(*) filter (where now = 'paid') - count(*) filter (where was = 'paid')
      from (select o.tenant_id, o.doc_kind, (o.party_id % 16)::smallint as stripe, o.status as was, n.status as now
            from old_rows o join new_rows n using (tenant_id, doc_kind, doc_id)
            where o.status is distinct from n.status) moved
      group by 1, 2, 3 order by 1, 2, 3
      on conflict (tenant_id, doc_kind, stripe) do update
        set open = c.open + excluded.open, partial = c.partial + excluded.partial, paid = c.paid + excluded.paid;
      return null;
    end $$
  `.execute(db);
  await sql`create trigger document_counts_insert after insert on apar.document_balances
    referencing new table as new_rows for each statement execute function apar.document_counts_on_insert()`.execute(
    db,
  );
  await sql`create trigger document_counts_update after update on apar.document_balances
    referencing old table as old_rows new table as new_rows
    for each statement execute function apar.document_counts_on_update()`.execute(db);

  await sql`
    insert into apar.document_counts (tenant_id, doc_kind, stripe, open, partial, paid)
    select tenant_id, doc_kind, party_id % 16, count(*) filter (where status = 'open'),
      count(*) filter (where status = 'partial'), count(*) filter (where status = 'paid')
    from apar.document_balances group by 1, 2, 3
  `.execute(db);

  // (kind, status) pairs whose kept count differs from the rollup's (empty when the cache is right).
  await sql`
    create function apar.count_drift() returns table (doc_kind text, status text, kept bigint, counted bigint)
    language sql stable set search_path = pg_catalog, pg_temp as $$
      with kept as (
        select c.tenant_id, c.doc_kind, s.status, sum(case s.status when 'open' then c.open when 'partial' then c.partial else c.paid end) as n
        from apar.document_counts c cross join (values ('open'), ('partial'), ('paid')) s (status)
        group by 1, 2, 3),
      counted as (
        select tenant_id, doc_kind, status, count(*) as n from apar.document_balances group by 1, 2, 3)
      select coalesce(k.doc_kind, c.doc_kind), coalesce(k.status, c.status), coalesce(k.n, 0), coalesce(c.n, 0)
      from kept k full join counted c using (tenant_id, doc_kind, status)
      where coalesce(k.n, 0) <> coalesce(c.n, 0)
    $$
  `.execute(db);
  await sql`grant execute on function apar.count_drift() to fig_app`.execute(db);

  await sql`alter table apar.document_counts enable row level security, force row level security`.execute(db);
  await sql`create policy document_counts_tenant on apar.document_counts using (tenant_id = app.current_tenant())
    with check (tenant_id = app.current_tenant())`.execute(db);
  await sql`grant select on apar.document_counts to fig_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
