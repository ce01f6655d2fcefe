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
