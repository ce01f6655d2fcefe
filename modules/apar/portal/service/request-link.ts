import { createHash, randomBytes } from 'node:crypto';
import { withTenant } from '../../../core/db';
import { enqueueMessage } from '../../../identity/index';
import { findOrganisationAsOwner } from '../../../tenancy/index';
import * as repo from '../repo';
import type { PortalDeps } from './context';
import { now } from './context';

/** A magic link works once, within this time. */
export const MAGIC_LINK_TTL_MS = 15 * 60 * 1000;
/** One address may be the contact of a few customers; each gets its own link (and mail). */
const MAX_LINKS_PER_REQUEST = 5;

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * POST /portal/{slug}/magic-links: mail a sign-in link to every customer contact of the
 * organisation with this address. The caller always gets the same answer (the route's), whether
 * the slug or the address is known or not, so nothing can be learnt from it; rate limits are the
 * route's. Only the sha256 of a token is stored; the raw token travels only in the mail (the
 * outbox body, purged once delivered). Returns how many links were mailed (for logs only, never for the answer).
 */
export async function requestMagicLink(
  deps: PortalDeps,
  slug: string,
  email: string,
  ip: string,
): Promise<number> {
  const org = await findOrganisationAsOwner(deps.db, slug);
  if (!org || org.suspended_at) return 0;
  const at = now(deps);
  return withTenant(deps.db, org.id, async (trx) => {
    const contacts = await repo.findCustomerContacts(trx, org.id, email, MAX_LINKS_PER_REQUEST);
    for (const c of contacts) {
      const token = randomBytes(32).toString('base64url');
      await repo.insertMagicLink(trx, {
        tenantId: org.id,
        contactId: c.contactId,
        partyId: c.partyId,
        email: c.email,
        tokenHash: sha256(token),
        expiresAt: new Date(at.getTime() + MAGIC_LINK_TTL_MS),
        ip,
      });
      const path = `/portal/${org.slug}/sign-in`;
      await enqueueMessage(trx, {
        kind: 'magic_link',
        to: c.email,
        subject: `Your ${org.name} portal sign-in link`,
        body: `Open ${path}#token=${token} within 15 minutes to see your invoices and payments with ${org.name}. The link works once. If you did not ask for it, ignore this message.`,
        payload: { path, organisation: org.name, contactId: c.contactId },
      });
    }
    deps.log.info({ tenantId: org.id, links: contacts.length }, 'portal sign-in link requested');
    return contacts.length;
  });
}
