import { sql, type Kysely } from 'kysely';

/**
 * audit.events: the append-only, per-tenant hash-chained audit trail every module writes to
 * through modules/audit `recordAudit` inside its own tenant transaction.
 *
 * - Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE for everyone (owner included);
 *   fig_app is only granted SELECT and INSERT.
 * - Chain: `seq` counts 1, 2, 3... per tenant; `prev_hash` is the previous event's `hash`
 *   (64 zeros for the first); `hash` = sha256 of the canonical JSON of the event (computed by
 *   the application, re-walked by the verifier). unique (tenant_id, seq) makes a fork impossible
 *   even if a writer skipped the per-tenant advisory lock.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create schema if not exists audit`.execute(db);
  await sql`grant usage on schema audit to fig_app`.execute(db);
  await sql`
    create table audit.events (
      id          bigint generated always as identity primary key,
      tenant_id   uuid not null,
      seq         bigint not null check (seq >= 1),
      actor       text not null,
      actor_id    text,
      action      text not null,
      entity      text not null,
      entity_id   text,
      before      jsonb,
      after       jsonb,
      request_id  text,
      ip          text,
      created_at  timestamptz not null,
      prev_hash   text not null check (prev_hash ~ '^[0-9a-f]{64}$'),
      hash        text not null check (hash ~ '^[0-9a-f]{64}$'),
      unique (tenant_id, seq)
    )
  `.execute(db);
  await sql`create index events_tenant_created_idx on audit.events (tenant_id, created_at desc)`.execute(db);
  await sql`create index events_tenant_entity_idx on audit.events (tenant_id, entity, entity_id)`.execute(db);
  await sql`create index events_tenant_actor_idx on audit.events (tenant_id, actor)`.execute(db);

  await sql`
    create or replace function audit.refuse_change() returns trigger
    language plpgsql as $$
    begin
      raise exception 'audit.events is append-only (% refused)', tg_op
        using errcode = 'insufficient_privilege';
    end $$
  `.execute(db);
  await sql`
    create trigger events_append_only
    before update or delete on audit.events
    for each row execute function audit.refuse_change()
  `.execute(db);
  await sql`
    create trigger events_no_truncate
    before truncate on audit.events
    for each statement execute function audit.refuse_change()
  `.execute(db);

  await sql`alter table audit.events enable row level security`.execute(db);
  await sql`alter table audit.events force row level security`.execute(db);
  await sql`
    create policy tenant_isolation on audit.events
    using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant())
  `.execute(db);
  await sql`grant select, insert on audit.events to fig_app`.execute(db);
  await sql`grant usage, select on all sequences in schema audit to fig_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
