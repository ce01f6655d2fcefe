import { withTenant } from '../../../core/db';
import { recordAudit } from '../../../audit/index';
import * as repo from '../repo';
import { PortalErrors } from '../errors';
import type { PortalSession } from '../schema';
import { now, portalOrganisation, type PortalDeps } from './context';
import { sha256 } from './request-link';

/**
 * POST /portal/{slug}/sessions: trade a mailed link for a portal token. The link is consumed in
 * the same transaction that audits the sign-in; a forged, unknown, used or expired link (or one
 * of another organisation: it is looked up under that organisation's RLS) is one 401.
 */
export async function redeemMagicLink(
  deps: PortalDeps,
  slug: string,
  token: string,
  meta: { requestId: string; ip: string },
): Promise<PortalSession> {
  const org = await portalOrganisation(deps, slug);
  const signedIn = await withTenant(deps.db, org.id, async (trx) => {
    const link = await repo.consumeMagicLink(trx, sha256(token), now(deps));
    if (!link) throw PortalErrors.linkInvalid();
    // A link issued before the customer's portal access was revoked is void too.
    if (Number(link.id) <= (await repo.revocationMark(trx, org.id, Number(link.partyId))))
      throw PortalErrors.linkInvalid();
    const customerId = Number(link.partyId);
    const name = await repo.findCustomerName(trx, org.id, customerId);
    if (name === undefined) throw PortalErrors.linkInvalid();
    await recordAudit(trx, {
      tenantId: org.id,
      actor: `portal:${link.email}`,
      actorId: null,
      action: 'apar.portal.sign_in',
      entity: 'customer',
      entityId: String(customerId),
      after: { contactId: Number(link.contactId), linkId: Number(link.id) },
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return { link, customerId, name };
  });
  const ttl = deps.config.PORTAL_TOKEN_TTL_S;
  const accessToken = deps.accessTokens.signPortal(
    {
      sub: `contact:${signedIn.link.contactId}`,
      tid: org.id,
      cid: signedIn.customerId,
      email: signedIn.link.email,
      lid: Number(signedIn.link.id),
    },
    ttl,
  );
  return {
    accessToken,
    expiresIn: ttl,
    organisation: { name: org.name, slug: org.slug },
    customer: { id: signedIn.customerId, name: signedIn.name },
    email: signedIn.link.email,
  };
}
