import { sql, type Kysely } from 'kysely';

/*
 * TOTP multi-factor authentication.
 * - identity.mfa_factors: one authenticator per user (secret encrypted with a key derived from the
 *   JWT signing secrets, see modules/identity/mfa-secret.ts); confirmed once a first code checked;
 *   last_step refuses a code used twice (replay within its 30 s window).
 * - identity.mfa_recovery_codes: single-use recovery codes, stored as sha256 only.
 * - identity.action_tokens learns the purpose `mfa_challenge` (the step between password and code),
 *   the tenant the sign-in asked for, and a failed-attempt counter.
 * - tenancy.organisations.mfa_required: the organisation requires MFA of its admin, finance and ops users.
 * Owner-only like the other identity tables: RLS on, a policy for fig_service, no grant to fig_app.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table identity.mfa_factors (
      user_id       uuid primary key references identity.users (id) on delete cascade,
      secret_enc    text not null,
      confirmed_at  timestamptz,
      last_step     bigint,
      created_at    timestamptz not null default now()
    )
  `.execute(db);
  await sql`
    create table identity.mfa_recovery_codes (
      id         uuid primary key default gen_random_uuid(),
      user_id    uuid not null references identity.users (id) on delete cascade,
      code_hash  text not null unique,
      used_at    timestamptz,
      created_at timestamptz not null default now()
    )
  `.execute(db);
  await sql`create index mfa_recovery_codes_user_idx on identity.mfa_recovery_codes (user_id)`.execute(db);
  for (const table of ['identity.mfa_factors', 'identity.mfa_recovery_codes']) {
    await sql.raw(`alter table ${table} enable row level security`).execute(db);
    await sql.raw(`grant select, insert, update, delete on ${table} to fig_service`).execute(db);
    await sql.raw(`create policy service on ${table} to fig_service using (true) with check (true)`).execute(db);
  }

  await sql`alter table identity.action_tokens drop constraint action_tokens_purpose_check`.execute(db);
  await sql`
    alter table identity.action_tokens
      add constraint action_tokens_purpose_check check (purpose in ('verify_email', 'reset_password', 'mfa_challenge')),
      add column tenant_id uuid,
      add column attempts integer not null default 0
  `.execute(db);

  await sql`alter table tenancy.organisations add column mfa_required boolean not null default false`.execute(db);
  await sql`grant update (mfa_required) on tenancy.organisations to fig_service`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
