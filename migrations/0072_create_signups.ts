import { sql, type Kysely } from 'kysely';

/*
 * Self-serve sign-up: a pending request (organisation name, admin email, password hash) waits in
 * identity.signups until its verification link is opened; only then are the organisation, the user
 * and the admin membership created. Owner-only like identity.action_tokens (RLS on, no policy, no
 * grant to fig_app): nothing a tenant transaction can read; fig_service (the app's login) has a
 * policy like identity.action_tokens (migrations/0040). The link token is stored as its sha256.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table identity.signups (
      id                 uuid primary key default gen_random_uuid(),
      organisation_name  text not null check (length(organisation_name) between 1 and 200),
      email              text not null check (email = lower(email) and length(email) between 3 and 320),
      name               text not null check (length(name) between 1 and 200),
      password_hash      text not null,
      token_hash         text not null unique,
      expires_at         timestamptz not null,
      completed_at       timestamptz,
      tenant_id          uuid,
      ip                 text,
      created_at         timestamptz not null default now()
    )
  `.execute(db);
  await sql`create index signups_email_idx on identity.signups (email, created_at desc)`.execute(db);
  await sql`alter table identity.signups enable row level security`.execute(db);
  await sql`grant select, insert, update on identity.signups to fig_service`.execute(db);
  await sql`create policy service on identity.signups to fig_service using (true) with check (true)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
