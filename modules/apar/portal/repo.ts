import { sql } from 'kysely';
import type { Trx } from '../../core/db';
import './tables';

/*
 * The portal's queries, run in a tenant transaction (RLS). It writes only its own table
 * (apar.portal_magic_links) and reads contacts and parties to know whom a link is for.
 */

/** A customer contact reachable at an address. */
export interface ContactMatch {
  contactId: string;
  partyId: string;
  email: string;
}

/** Customer contacts with this address (case-insensitive), oldest first, at most `limit`. */
export async function findCustomerContacts(
  trx: Trx,
  t: string,
  email: string,
  limit: number,
): Promise<ContactMatch[]> {
  const { rows } = await sql<ContactMatch>`
    select c.id as "contactId", c.party_id as "partyId", c.email
    from apar.contacts c
    where c.tenant_id = ${t} and lower(c.email) = lower(${email}) and c.party_kind = 'customer'
    order by c.id limit ${limit}`.execute(trx);
  return rows;
}

/** Store a new link (only its hash). */
export async function insertMagicLink(
  trx: Trx,
  link: {
    tenantId: string;
    contactId: string;
    partyId: string;
    email: string;
    tokenHash: string;
    expiresAt: Date;
    ip: string | null;
  },
): Promise<void> {
  await trx
    .insertInto('apar.portal_magic_links')
    .values({
      tenant_id: link.tenantId,
      contact_id: link.contactId,
      party_id: link.partyId,
      email: link.email,
      token_hash: link.tokenHash,
      expires_at: link.expiresAt,
      requested_ip: link.ip,
    })
    .execute();
}

/**
 * Mark the link with this hash used, if it is unused and not expired at `now`; the one statement
 * makes it single-use even when two requests redeem it at once. Undefined: no such usable link.
 */
export async function consumeMagicLink(
  trx: Trx,
  tokenHash: string,
  now: Date,
): Promise<{ id: string; contactId: string; partyId: string; email: string } | undefined> {
  return trx
    .updateTable('apar.portal_magic_links')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['id', 'contact_id as contactId', 'party_id as partyId', 'email'])
    .executeTakeFirst();
}

/** The customer's name, or undefined when there is no such customer. */
export async function findCustomerName(trx: Trx, t: string, id: number): Promise<string | undefined> {
  const { rows } = await sql<{ name: string }>`
    select name from apar.parties where tenant_id = ${t} and kind = 'customer' and id = ${id}`.execute(trx);
  return rows[0]?.name;
}

/**
 * Revoke a customer's portal access: every link issued so far (redeemed or not) and so every
 * portal token signed from one stops counting. Returns the mark (the highest such link id).
 */
export async function revokeCustomerLinks(trx: Trx, t: string, customerId: number, by: string): Promise<number> {
  const { rows } = await sql<{ up_to: string; revoked_at: string }>`
    insert into apar.portal_revocations (tenant_id, party_id, up_to_link_id, revoked_by)
    select ${t}, ${customerId}, coalesce(max(id), 0), ${by} from apar.portal_magic_links
    where tenant_id = ${t} and party_id = ${customerId}
    on conflict (tenant_id, party_id) do update
      set up_to_link_id = greatest(apar.portal_revocations.up_to_link_id, excluded.up_to_link_id),
          revoked_by = excluded.revoked_by, revoked_at = now()
    returning up_to_link_id as up_to`.execute(trx);
  return Number(rows[0]!.up_to);
}

/** The customer's revocation mark (links and tokens with an id at or below it are void); 0: none. */
export async function revocationMark(trx: Trx, t: string, customerId: number): Promise<number> {
  const { rows } = await sql<{ up_to: string }>`
    select up_to_link_id as up_to from apar.portal_revocations where tenant_id = ${t} and party_id = ${customerId}`.execute(
    trx,
  );
  return Number(rows[0]?.up_to ?? 0);
}
