import { sql, type Kysely } from 'kysely';

/**
 * Sending invoices and revoking portal access (ADR 0032).
 * - `apar.documents.sent_at`: when the invoice was last mailed to the customer's billing contact
 *   (the mail itself is an identity.outbox row written in the same transaction).
 * - `apar.portal_revocations`: per customer, the highest magic-link id whose sign-ins no longer
 *   count. Portal tokens carry their link id (`lid`); a token or an unredeemed link at or below the
 *   mark is refused, so "revoke portal access" ends every session and every link out at that moment.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table apar.documents add column sent_at timestamptz`.execute(db);
  await sql`
    create table apar.portal_revocations (
      tenant_id     uuid not null,
      party_id      bigint not null,
      up_to_link_id bigint not null,
      revoked_by    text not null,
      revoked_at    timestamptz not null default now(),
      primary key (tenant_id, party_id),
      foreign key (tenant_id, party_kind, party_id) references apar.parties (tenant_id, kind, id),
      party_kind    text not null default 'customer' check (party_kind = 'customer')
    )
  `.execute(db);
  await sql`alter table apar.portal_revocations enable row level security, force row level security`.execute(db);
  await sql`create policy portal_revocations_tenant on apar.portal_revocations using (tenant_id = app.current_tenant())
    with check (tenant_id = app.current_tenant())`.execute(db);
  await sql`grant select, insert, update on apar.portal_revocations to fig_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
