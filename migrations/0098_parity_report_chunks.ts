import { sql, type Kysely } from 'kysely';

/**
 * Parity runs in the worker, chunked and resumable (issue 17, ADR 0033): the chunks of a report,
 * planned once when its run starts (the spec: a historical batch, a slice of rows with the band
 * table resolved then, or the canonical cases). A chunk's summary and its mismatches commit in one
 * transaction guarded by `done`, so a chunk is written once whatever kills the worker; `tries`
 * counts the computations started (a chunk in flight at a crash is computed again, written once).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table parity.report_chunks (
      tenant_id   uuid not null,
      report_id   uuid not null references parity.reports (id) on delete cascade,
      chunk_no    integer not null,
      spec        jsonb not null,
      employees   integer not null,
      done        boolean not null default false,
      tries       integer not null default 0,
      summary     jsonb,
      done_at     timestamptz,
      primary key (report_id, chunk_no)
    )
  `.execute(db);
  await sql`alter table parity.report_chunks enable row level security`.execute(db);
  await sql`alter table parity.report_chunks force row level security`.execute(db);
  await sql`create policy tenant_isolation on parity.report_chunks using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant())`.execute(db);
  await sql`grant select, insert, update, delete on parity.report_chunks to fig_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
