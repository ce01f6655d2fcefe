import { sql, type Kysely } from 'kysely';

/*
 * modules/notify: delivery of identity.outbox (identity keeps owning the outbox and its sent_at).
 * - notify.deliveries: one row per outbox message the dispatcher picked up: attempts, last error,
 *   provider message id, and `dead` once retries are exhausted (the dead-letter list ops see).
 *   `generation` counts ops' retries of a dead message, so its BullMQ job id is new each time.
 * - notify.mailbox: the embedded dev mailbox (no RESEND_API_KEY): messages "sent" locally, unique
 *   by idempotency key, exactly as Resend would deduplicate them.
 * Both are platform tables (no tenant): fig_service only, never fig_app (tenant transactions).
 * Platform permissions platform.mail.read / platform.mail.manage go to the ops role.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create schema notify`.execute(db);
  await sql`
    create table notify.deliveries (
      outbox_id           bigint primary key references identity.outbox (id) on delete cascade,
      status              text not null check (status in ('sending', 'sent', 'failed', 'dead')),
      generation          int not null default 0,
      attempts            int not null default 0,
      last_error          text,
      transport           text not null,
      idempotency_key     text not null,
      provider_message_id text,
      created_at          timestamptz not null default now(),
      updated_at          timestamptz not null default now(),
      sent_at             timestamptz,
      dead_at             timestamptz
    )
  `.execute(db);
  await sql`create index deliveries_dead_idx on notify.deliveries (dead_at desc) where status = 'dead'`.execute(
    db,
  );
  await sql`
    create table notify.mailbox (
      id              uuid primary key default gen_random_uuid(),
      idempotency_key text not null unique,
      from_email      text not null,
      to_email        text not null,
      subject         text not null,
      html            text not null,
      text            text not null,
      kind            text,
      created_at      timestamptz not null default now()
    )
  `.execute(db);
  await sql`create index mailbox_created_idx on notify.mailbox (created_at desc, id desc)`.execute(db);
  // Undelivered outbox rows, in order: what the dispatcher scans every few seconds.
  await sql`create index outbox_unsent_idx on identity.outbox (id) where sent_at is null`.execute(db);

  await sql`grant usage on schema notify to fig_service`.execute(db);
  await sql`grant select, insert, update, delete on notify.deliveries, notify.mailbox to fig_service`.execute(
    db,
  );

  await sql`
    insert into tenancy.permissions (key, description, scope) values
      ('platform.mail.read', 'Read the dev mailbox and the mail delivery dead-letter list', 'platform'),
      ('platform.mail.manage', 'Retry dead-lettered mail deliveries', 'platform')
    on conflict (key) do nothing
  `.execute(db);
  await sql`
    insert into tenancy.role_permissions (role_key, permission_key)
    values ('ops', 'platform.mail.read'), ('ops', 'platform.mail.manage')
    on conflict do nothing
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
