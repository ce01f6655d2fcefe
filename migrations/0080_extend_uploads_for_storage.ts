import { sql, type Kysely } from 'kysely';

/**
 * modules/storage (issue 14, ADR 0015): the product upload flow on the tables of migration 0050.
 *
 * - runs.uploads gains the product states (uploading → uploaded → scanning → parsing → parsed |
 *   invalid | quarantined) beside the legacy ones, a reason for the terminal failures, where the
 *   file lives, the tus upload id, and the saved column mapping (`mapping`, `plan_id`,
 *   `problem_count`) that runs read (docs/storage.md, "Contract for runs"). `sha256` is null until
 *   the last byte has arrived.
 * - runs.upload_rows gains `fields`: every cell as read, keyed by the file's header, so a mapping
 *   can be (re)applied in one set-based statement. `inputs` defaults to {} until it is.
 * - storage.mapping_presets: a tenant's saved header → target maps, reused by suggestions.
 * - storage.upload_problems: the validation report of an upload's current mapping.
 * Tenant rows under forced RLS (ADR 0002).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table runs.uploads drop constraint uploads_status_check`.execute(db);
  await sql`
    alter table runs.uploads
      add constraint uploads_status_check check (status in (
        'received', 'validating', 'ready', 'rejected',
        'uploading', 'uploaded', 'scanning', 'parsing', 'parsed', 'invalid', 'quarantined')),
      alter column sha256 drop not null,
      alter column row_count set default 0,
      add column status_reason   text,
      add column storage_backend text check (storage_backend in ('local', 's3')),
      add column tus_id          text,
      add column mapping         jsonb,
      add column plan_id         uuid,
      add column problem_count   integer check (problem_count >= 0),
      add column parsed_at       timestamptz,
      add column updated_at      timestamptz not null default now()
  `.execute(db);
  await sql`create unique index uploads_tus_id_idx on runs.uploads (tus_id) where tus_id is not null`.execute(db);

  await sql`
    alter table runs.upload_rows
      add column fields jsonb,
      alter column inputs set default '{}'::jsonb,
      alter column employee_id set default ''
  `.execute(db);

  await sql`create schema if not exists storage`.execute(db);
  await sql`grant usage on schema storage to fig_app`.execute(db);
  await sql`
    create table storage.mapping_presets (
      id          uuid primary key default gen_random_uuid(),
      tenant_id   uuid not null,
      name        text not null check (length(name) between 1 and 200),
      plan_family_id uuid,
      columns     jsonb not null,
      headers_key text not null,
      created_by  text not null,
      created_at  timestamptz not null default now(),
      updated_at  timestamptz not null default now(),
      unique (tenant_id, name)
    )
  `.execute(db);
  await sql`create index mapping_presets_headers_idx on storage.mapping_presets (tenant_id, headers_key)`.execute(db);

  await sql`
    create table storage.upload_problems (
      upload_id  integer not null,
      tenant_id  uuid not null,
      seq        integer not null,
      row_no     integer not null,
      column_name text,
      target     text,
      value      text,
      code       text not null check (code in ('missing_required', 'not_a_number', 'out_of_range', 'duplicate_employee_id', 'missing_employee_id', 'unmapped_input')),
      message    text not null,
      hint       text not null,
      primary key (upload_id, seq),
      foreign key (upload_id, tenant_id) references runs.uploads (id, tenant_id) on delete cascade
    )
  `.execute(db);

  // A cell as canonical decimal text (runs.decimal_text), or null when it is not a number: spaces,
  // currency signs and thousands separators dropped, a trailing % divides by 100 (exactly: × 0.01),
  // trailing zeros trimmed. Used by the set-based mapping update (modules/storage apply-mapping).
  await sql`
    create function storage.to_decimal(raw text) returns text language plpgsql immutable parallel safe as $fn$
    declare
      s text;
      pct boolean;
    begin
      if raw is null then return null; end if;
      s := regexp_replace(btrim(raw), '[[:space:]$€£¥,'']', '', 'g');
      pct := right(s, 1) = '%';
      if pct then s := left(s, -1); end if;
      if length(s) > 60 or s !~ '^[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)$' then return null; end if;
      return trim_scale(case when pct then s::numeric * 0.01 else s::numeric end)::text;
    end
    $fn$
  `.execute(db);
  await sql`grant execute on function storage.to_decimal(text) to fig_app`.execute(db);

  for (const t of ['mapping_presets', 'upload_problems']) {
    await sql.raw(`alter table storage.${t} enable row level security, force row level security`).execute(db);
    await sql
      .raw(`create policy tenant_isolation on storage.${t} using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant())`)
      .execute(db);
    await sql.raw(`grant select, insert, update, delete on storage.${t} to fig_app`).execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
