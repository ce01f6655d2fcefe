import { sql, type Kysely } from 'kysely';

/**
 * Engine parity: reports (one run of the parity runner: legacy engine vs new engine on the same
 * employees) and their mismatches (one row per employee and output that differs, with both tapes).
 * Tenant-owned with RLS; fig_app reads and writes them inside withTenant.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create schema if not exists parity`.execute(db);
  await sql`grant usage on schema parity to fig_app`.execute(db);
  await sql`
    create table parity.reports (
      id              uuid primary key default gen_random_uuid(),
      tenant_id       uuid not null,
      name            text not null,
      source          jsonb not null,                 -- {kind:'historical', batchIds} | {kind:'generated', employees, seed}
      plan_ref        jsonb not null,                 -- which plan the new engine ran (seed name, hash, catalog version)
      status          text not null default 'running' check (status in ('running', 'done', 'failed')),
      error           text,
      employees       integer not null default 0,
      matched         integer not null default 0,
      mismatched      integer not null default 0,
      within_tolerance integer not null default 0,    -- mismatching employees whose every difference is <= tolerance
      max_abs_diff    numeric(38,10) not null default 0,
      by_output       jsonb not null default '{}'::jsonb,
      batches         jsonb not null default '[]'::jsonb,  -- per source batch: {batchId, employees, bandVersion, mismatched}
      gate_a          jsonb,                          -- {passed, checks:[{name, passed, detail, evidence}]}
      duration_ms     integer,
      created_by      text not null,
      created_at      timestamptz not null default now(),
      finished_at     timestamptz,
      signed_off_by   text,
      signed_off_at   timestamptz,
      sign_off_note   text
    )
  `.execute(db);
  await sql`create index reports_tenant_created_idx on parity.reports (tenant_id, created_at desc, id)`.execute(
    db,
  );
  await sql`create index reports_tenant_signed_idx on parity.reports (tenant_id, signed_off_at desc) where signed_off_at is not null`.execute(
    db,
  );
  await sql`
    create table parity.mismatches (
      id              bigint generated always as identity primary key,
      tenant_id       uuid not null,
      report_id       uuid not null references parity.reports (id) on delete cascade,
      employee_id     text not null,
      batch_id        text,                           -- legacy batch id (historical) or 'generated'
      output          text not null,
      legacy_value    text,
      new_value       text,
      abs_diff        numeric(38,10),                 -- null when a side has no value (error, missing)
      within_tolerance boolean not null,
      first_diff_step text,                           -- first plan step (in plan order) whose value differs for this employee
      legacy_tape     jsonb not null,
      new_tape        jsonb not null
    )
  `.execute(db);
  await sql`create index mismatches_report_idx on parity.mismatches (report_id, employee_id, output)`.execute(
    db,
  );
  await sql`create index mismatches_report_diff_idx on parity.mismatches (report_id, abs_diff desc nulls first)`.execute(
    db,
  );
  for (const table of ['reports', 'mismatches']) {
    await sql.raw(`alter table parity.${table} enable row level security`).execute(db);
    await sql.raw(`alter table parity.${table} force row level security`).execute(db);
    await sql
      .raw(
        `create policy tenant_isolation on parity.${table} using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant())`,
      )
      .execute(db);
    await sql.raw(`grant select, insert, update, delete on parity.${table} to fig_app`).execute(db);
  }
  await sql`grant usage, select on all sequences in schema parity to fig_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
