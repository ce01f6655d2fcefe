import { sql, type Kysely } from 'kysely';

/**
 * Collections and saved views (ADR 0026).
 * - `apar.activities`: what people record on a customer or vendor (optionally on one document):
 *   notes, promises to pay (date and amount) and "sent" marks. Append-only for the app role; the
 *   timeline merges them with what the ledger tables already hold (posting, payments, credits,
 *   write-offs), so nothing is written twice.
 * - `apar.saved_views`: a user's named filters and sort for one list, private to that user.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table apar.activities (
      tenant_id      uuid not null,
      id             bigserial primary key,
      party_kind     text not null,
      party_id       bigint not null,
      doc_kind       text,
      doc_id         bigint,
      type           text not null check (type in ('note', 'promise', 'sent')),
      text           text not null default '' check (length(text) <= 2000),
      promised_date  date,
      promised_amount numeric(38,10) check (promised_amount > 0),
      created_by     text not null,
      created_at     timestamptz not null default now(),
      check ((type = 'promise') = (promised_date is not null)),
      check ((doc_kind is null) = (doc_id is null)),
      foreign key (tenant_id, party_kind, party_id) references apar.parties (tenant_id, kind, id),
      foreign key (tenant_id, doc_kind, doc_id) references apar.documents (tenant_id, kind, id)
    )
  `.execute(db);
  await sql`create index activities_party_idx on apar.activities (tenant_id, party_kind, party_id, created_at)`.execute(
    db,
  );
  await sql`create index activities_doc_idx on apar.activities (tenant_id, doc_kind, doc_id) where doc_id is not null`.execute(
    db,
  );
  await sql`
    create table apar.saved_views (
      tenant_id  uuid not null,
      id         uuid primary key default gen_random_uuid(),
      user_id    text not null,
      list       text not null,
      name       text not null check (length(name) between 1 and 100),
      filters    jsonb not null default '{}',
      sort       jsonb not null default '[]',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, user_id, list, name)
    )
  `.execute(db);
  // Indexes for the timeline's other sources: write-offs by document.
  await sql`create index write_offs_doc_idx on apar.write_offs (tenant_id, doc_kind, doc_id)`.execute(db);

  for (const [t, grants] of [
    ['activities', 'select, insert'],
    ['saved_views', 'select, insert, update, delete'],
  ] as const) {
    await sql.raw(`alter table apar.${t} enable row level security, force row level security`).execute(db);
    await sql
      .raw(
        `create policy ${t}_tenant on apar.${t} using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant())`,
      )
      .execute(db);
    await sql.raw(`grant ${grants} on apar.${t} to fig_app`).execute(db);
  }
  await sql`grant usage on all sequences in schema apar to fig_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
