import { sql, type Kysely } from 'kysely';

/**
 * Client portal sign-in links (ADR 0027): one row per magic link mailed to a customer contact.
 * Only the sha256 of the token is stored; a link works once (`used_at`) until `expires_at`
 * (15 minutes). The row names the contact and its customer, so a redeemed link can only ever
 * become a token for that customer. Tenant rows under forced RLS like every apar table; the app
 * role may insert and mark a link used, never change whom it is for.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table apar.portal_magic_links (
      tenant_id    uuid not null,
      id           bigserial primary key,
      contact_id   bigint not null references apar.contacts (id),
      party_kind   text not null default 'customer' check (party_kind = 'customer'),
      party_id     bigint not null,
      email        text not null,
      token_hash   text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
      expires_at   timestamptz not null,
      used_at      timestamptz,
      requested_ip text,
      created_at   timestamptz not null default now(),
      foreign key (tenant_id, party_kind, party_id) references apar.parties (tenant_id, kind, id)
    )
  `.execute(db);
  await sql`create index portal_magic_links_contact_idx on apar.portal_magic_links (tenant_id, contact_id, created_at)`.execute(
    db,
  );
  // Contacts are looked up by address when a link is requested.
  await sql`create index contacts_email_idx on apar.contacts (tenant_id, lower(email)) where email is not null`.execute(
    db,
  );
  await sql`alter table apar.portal_magic_links enable row level security, force row level security`.execute(
    db,
  );
  await sql`
    create policy portal_magic_links_tenant on apar.portal_magic_links
      using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant())
  `.execute(db);
  await sql`grant select, insert, update (used_at) on apar.portal_magic_links to fig_app`.execute(db);
  await sql`grant usage on sequence apar.portal_magic_links_id_seq to fig_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
