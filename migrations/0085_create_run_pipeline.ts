import { sql, type Kysely } from 'kysely';

/**
 * The runs pipeline (issue 14, ADR 0016 and 0017) on the tables of migration 0050:
 *
 * - runs.runs gains the product states (`in_review`, `finalized`), the snapshot hash, the tape
 *   layout (input names and steps, once per run), the payout output, progress counters and the
 *   error of a job that gave up. Legacy batches keep `completed`/`failed` and leave these null.
 * - runs.run_results gains `tape` (compact, see ADR 0016) and `pool_share` (written only when the
 *   pool scaled the payouts). One result per (run_id, row_no) stays the primary key.
 * - runs.run_chunks: the checkpoints of a run. A chunk's results and its `done` flag commit in one
 *   transaction, so a worker killed mid-chunk leaves nothing of it and the next try redoes it.
 * - Finalized runs are immutable: row triggers on runs.runs, statement triggers (transition
 *   tables, one check per statement, not per row) on run_results and run_chunks. SQLSTATE FIG03
 *   lets the API answer 409 RUN_FINALIZED.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table runs.runs drop constraint runs_status_check`.execute(db);
  await sql`
    alter table runs.runs
      add constraint runs_status_check check (status in ('queued', 'running', 'completed', 'failed', 'in_review', 'finalized')),
      add column snapshot_hash  text check (snapshot_hash ~ '^[0-9a-f]{64}$'),
      add column tape_layout    jsonb,
      add column payout_output  text,
      add column chunk_rows     integer check (chunk_rows > 0),
      add column chunks_total   integer not null default 0 check (chunks_total >= 0),
      add column error          text,
      add column started_at     timestamptz,
      add column state_changed_at timestamptz,
      add column finalized_at   timestamptz,
      add column finalized_by   text
  `.execute(db);

  await sql`
    alter table runs.run_results
      add column tape       jsonb,
      add column pool_share runs.decimal_text
  `.execute(db);
  await sql`create index run_results_failed_idx on runs.run_results (run_id, row_no) where not ok`.execute(db);

  await sql`
    create table runs.run_chunks (
      run_id        integer not null,
      tenant_id     uuid not null,
      chunk_no      integer not null check (chunk_no >= 0),
      row_from      integer not null,
      row_to        integer not null check (row_to >= row_from),
      row_count     integer not null check (row_count > 0),
      done          boolean not null default false,
      ok_count      integer not null default 0,
      failed_count  integer not null default 0,
      total_payout  runs.decimal_text,
      input_hashes  text check (input_hashes ~ '^([0-9a-f]{64})+$'),
      attempts      integer not null default 0,
      done_at       timestamptz,
      primary key (run_id, chunk_no),
      foreign key (run_id, tenant_id) references runs.runs (id, tenant_id) on delete cascade
    )
  `.execute(db);
  await sql`alter table runs.run_chunks enable row level security, force row level security`.execute(db);
  await sql`create policy tenant_isolation on runs.run_chunks using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant())`.execute(
    db,
  );
  await sql`grant select, insert, update, delete on runs.run_chunks to fig_app`.execute(db);

  await sql`
    create function runs.refuse_finalized_run() returns trigger language plpgsql as $$
    begin
      if old.status = 'finalized' then
        raise exception 'run % is finalized and cannot be changed', old.id using errcode = 'FIG03';
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end $$
  `.execute(db);
  await sql`
    create trigger runs_immutable_when_finalized before update or delete on runs.runs
    for each row execute function runs.refuse_finalized_run()
  `.execute(db);

  // Children: one check per statement over its transition table (a run's results are written in
  // statements of thousands of rows; a per-row lookup would cost more than the write).
  await sql`
    create function runs.refuse_finalized_children() returns trigger language plpgsql as $$
    declare hit integer;
    begin
      if tg_op in ('INSERT', 'UPDATE') then
        execute format('select r.id from runs.runs r where r.status = ''finalized'' and r.id in (select distinct run_id from %s) limit 1', 'new_rows') into hit;
      end if;
      if hit is null and tg_op in ('UPDATE', 'DELETE') then
        execute format('select r.id from runs.runs r where r.status = ''finalized'' and r.id in (select distinct run_id from %s) limit 1', 'old_rows') into hit;
      end if;
      if hit is not null then
        raise exception 'run % is finalized: its % cannot be changed', hit, tg_table_name using errcode = 'FIG03';
      end if;
      return null;
    end $$
  `.execute(db);
  for (const t of ['run_results', 'run_chunks']) {
    await sql
      .raw(
        `create trigger ${t}_immutable_ins after insert on runs.${t} referencing new table as new_rows for each statement execute function runs.refuse_finalized_children();
         create trigger ${t}_immutable_upd after update on runs.${t} referencing old table as old_rows new table as new_rows for each statement execute function runs.refuse_finalized_children();
         create trigger ${t}_immutable_del after delete on runs.${t} referencing old table as old_rows for each statement execute function runs.refuse_finalized_children();`,
      )
      .execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
