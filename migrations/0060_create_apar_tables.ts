import { sql, type Kysely } from 'kysely';

/**
 * AP/AR (schema `apar`): customers and vendors with contacts, documents (invoices, bills, credit
 * notes) with lines, payments received and made, their allocations, write-offs, and the append-only
 * ledger every balance derives from. Integer ids and document numbers come from per-tenant counters
 * (a locked row per counter: a rolled-back transaction gives its number back, so there are no gaps).
 * Every row carries tenant_id under forced RLS. Money and rates are numeric(38,10).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create schema if not exists apar`.execute(db);
  await sql`grant usage on schema apar to fig_app`.execute(db);

  await sql`
    create table apar.settings (
      tenant_id      uuid primary key,
      base_currency  text not null default 'USD' check (base_currency ~ '^[A-Z]{3}$'),
      aging_buckets  integer[] not null default '{30,60,90}'
    )
  `.execute(db);
  await sql`
    create table apar.counters (
      tenant_id uuid not null,
      name      text not null,
      value     bigint not null check (value >= 0),
      primary key (tenant_id, name)
    )
  `.execute(db);
  await sql`
    create table apar.parties (
      tenant_id  uuid not null,
      kind       text not null check (kind in ('customer', 'vendor')),
      id         bigint not null check (id > 0),
      name       text not null check (length(name) between 1 and 200),
      email      text,
      created_at timestamptz not null default now(),
      primary key (tenant_id, kind, id)
    )
  `.execute(db);
  await sql`
    create table apar.contacts (
      tenant_id  uuid not null,
      id         bigserial primary key,
      party_kind text not null,
      party_id   bigint not null,
      name       text not null,
      email      text,
      phone      text,
      role       text,
      created_at timestamptz not null default now(),
      foreign key (tenant_id, party_kind, party_id) references apar.parties (tenant_id, kind, id)
    )
  `.execute(db);
  await sql`
    create table apar.documents (
      tenant_id     uuid not null,
      kind          text not null check (kind in ('invoice', 'bill', 'credit_note')),
      id            bigint not null check (id > 0),
      number        text not null,
      party_kind    text not null,
      party_id      bigint not null,
      project_id    bigint,
      issue_date    date not null,
      due_date      date not null,
      currency      text not null check (currency ~ '^[A-Z]{3}$'),
      exchange_rate numeric(38,10) not null default 1 check (exchange_rate > 0),
      subtotal      numeric(38,10) not null,
      tax_total     numeric(38,10) not null,
      amount        numeric(38,10) not null check (amount > 0),
      description   text,
      category      text,
      created_by    text not null,
      created_at    timestamptz not null default now(),
      primary key (tenant_id, kind, id),
      unique (tenant_id, kind, number),
      check (due_date >= issue_date),
      check ((kind = 'bill') = (party_kind = 'vendor')),
      foreign key (tenant_id, party_kind, party_id) references apar.parties (tenant_id, kind, id)
    )
  `.execute(db);
  await sql`create index documents_party_idx on apar.documents (tenant_id, kind, party_id, due_date, id)`.execute(
    db,
  );
  await sql`
    create table apar.document_lines (
      tenant_id   uuid not null,
      doc_kind    text not null,
      doc_id      bigint not null,
      position    integer not null,
      description text not null default '',
      quantity    numeric(38,10) not null check (quantity > 0),
      unit_price  numeric(38,10) not null check (unit_price >= 0),
      tax_rate    numeric(38,10) not null default 0 check (tax_rate >= 0),
      net         numeric(38,10) not null,
      tax         numeric(38,10) not null,
      total       numeric(38,10) not null,
      primary key (tenant_id, doc_kind, doc_id, position),
      foreign key (tenant_id, doc_kind, doc_id) references apar.documents (tenant_id, kind, id)
    )
  `.execute(db);
  await sql`
    create table apar.payments (
      tenant_id     uuid not null,
      kind          text not null check (kind in ('received', 'made')),
      id            bigint not null check (id > 0),
      party_kind    text not null,
      party_id      bigint not null,
      amount        numeric(38,10) not null check (amount > 0),
      currency      text not null check (currency ~ '^[A-Z]{3}$'),
      exchange_rate numeric(38,10) not null default 1 check (exchange_rate > 0),
      date          date not null,
      method        text not null,
      reference     text,
      created_by    text not null,
      created_at    timestamptz not null default now(),
      primary key (tenant_id, kind, id),
      check ((kind = 'made') = (party_kind = 'vendor')),
      foreign key (tenant_id, party_kind, party_id) references apar.parties (tenant_id, kind, id)
    )
  `.execute(db);
  // source: what moved money onto a document (a payment received/made, a credit note, a write-off).
  await sql`
    create table apar.allocations (
      tenant_id   uuid not null,
      id          bigserial primary key,
      source_kind text not null check (source_kind in ('received', 'made', 'credit_note')),
      source_id   bigint not null,
      doc_kind    text not null,
      doc_id      bigint not null,
      amount      numeric(38,10) not null check (amount > 0),
      date        date not null,
      foreign key (tenant_id, doc_kind, doc_id) references apar.documents (tenant_id, kind, id)
    )
  `.execute(db);
  await sql`create index allocations_doc_idx on apar.allocations (tenant_id, doc_kind, doc_id)`.execute(db);
  await sql`create index allocations_source_idx on apar.allocations (tenant_id, source_kind, source_id)`.execute(
    db,
  );
  await sql`
    create table apar.write_offs (
      tenant_id  uuid not null,
      id         bigint not null check (id > 0),
      doc_kind   text not null,
      doc_id     bigint not null,
      amount     numeric(38,10) not null check (amount > 0),
      reason     text not null check (length(reason) between 1 and 500),
      date       date not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, doc_kind, doc_id) references apar.documents (tenant_id, kind, id)
    )
  `.execute(db);
  // The ledger: positive = the party owes us (AR) or we owe the party (AP). An entry on a document
  // (doc_kind/doc_id) moves that document's open balance; an entry without one is unapplied credit
  // of its source payment. Balances are sums of this table and nothing else.
  await sql`
    create table apar.ledger (
      tenant_id   uuid not null,
      id          bigserial primary key,
      side        text not null check (side in ('AR', 'AP')),
      party_id    bigint not null,
      doc_kind    text,
      doc_id      bigint,
      source_kind text not null check (source_kind in ('invoice', 'bill', 'credit_note', 'received', 'made', 'write_off')),
      source_id   bigint not null,
      entry_date  date not null,
      amount      numeric(38,10) not null check (amount <> 0),
      currency    text not null,
      base_amount numeric(38,10) not null,
      created_at  timestamptz not null default now(),
      check ((doc_kind is null) = (doc_id is null))
    )
  `.execute(db);
  await sql`create index ledger_doc_idx on apar.ledger (tenant_id, doc_kind, doc_id, entry_date) include (amount)`.execute(
    db,
  );
  await sql`create index ledger_party_idx on apar.ledger (tenant_id, side, party_id, entry_date)`.execute(db);
  await sql`create index ledger_source_idx on apar.ledger (tenant_id, source_kind, source_id)`.execute(db);
  await sql`
    create function apar.ledger_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'apar.ledger is append-only' using errcode = 'FIG02';
    end $$
  `.execute(db);
  await sql`create trigger ledger_append_only before update or delete on apar.ledger for each row execute function apar.ledger_append_only()`.execute(
    db,
  );

  const tables = [
    'settings',
    'counters',
    'parties',
    'contacts',
    'documents',
    'document_lines',
    'payments',
    'allocations',
    'write_offs',
    'ledger',
  ];
  for (const t of tables) {
    await sql.raw(`alter table apar.${t} enable row level security, force row level security`).execute(db);
    await sql
      .raw(
        `create policy ${t}_tenant on apar.${t} using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant())`,
      )
      .execute(db);
    const grants = t === 'ledger' ? 'select, insert' : 'select, insert, update';
    await sql.raw(`grant ${grants} on apar.${t} to fig_app`).execute(db);
  }
  await sql`grant usage on all sequences in schema apar to fig_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
