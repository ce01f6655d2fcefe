import { withTenant } from '../../../core/db';
import { AppError } from '../../../core/errors';
import { recordAudit } from '../../../audit/index';
import { AparErrors } from '../../errors';
import * as repo from '../repo';
import type { PortalDeps } from './context';

/*
 * Revoking a customer's portal access before its tokens expire (ADR 0032). Postgres holds the
 * mark (apar.portal_revocations: the highest magic-link id that no longer counts); Redis holds a
 * copy for the hot path, for as long as a portal token can live. Every portal request compares its
 * token's link id (`lid`) with the mark: Redis answers, Postgres when Redis fails (neither fail-open
 * nor every customer locked out). A redemption checks the mark in Postgres.
 */

export const portalRevokedKey = (prefix: string, tenantId: string, customerId: number) =>
  `${prefix}portal:revoked:${tenantId}:${customerId}`;

/**
 * Staff action: end every portal session and sign-in link of a customer now. The mark is copied
 * to Redis inside the transaction: if Redis cannot take it, nothing is written (503) rather than a
 * revocation that tokens would not see.
 */
export async function revokePortalAccess(
  deps: PortalDeps,
  staff: { tenantId: string; actor: string; actorId?: string; requestId: string; ip: string },
  customerId: number,
): Promise<{ customerId: number; upToLinkId: number }> {
  return withTenant(deps.db, staff.tenantId, async (trx) => {
    if (!(await repo.findCustomerName(trx, staff.tenantId, customerId)))
      throw AparErrors.partyNotFound('customer', customerId);
    const mark = await repo.revokeCustomerLinks(trx, staff.tenantId, customerId, staff.actor);
    await recordAudit(trx, {
      tenantId: staff.tenantId,
      actor: staff.actor,
      actorId: staff.actorId ?? null,
      action: 'apar.portal.revoke',
      entity: 'customer',
      entityId: String(customerId),
      after: { upToLinkId: mark },
      requestId: staff.requestId,
      ip: staff.ip,
    });
    try {
      await deps.redis.set(
        portalRevokedKey(deps.redisPrefix, staff.tenantId, customerId),
        String(mark),
        'EX',
        deps.config.PORTAL_TOKEN_TTL_S + 60,
      );
    } catch (err) {
      deps.log.warn({ err: (err as Error).message }, 'portal revocation not published: redis unavailable');
      throw new AppError('FIG_UNAVAILABLE', 503, 'Portal access could not be revoked now: retry in a moment');
    }
    return { customerId, upToLinkId: mark };
  });
}

/** Whether a portal token (its organisation, customer and link id) was revoked. */
export async function isPortalTokenRevoked(
  deps: PortalDeps,
  token: { tenantId: string; customerId: number; linkId: number | undefined },
): Promise<boolean> {
  const linkId = token.linkId ?? 0;
  try {
    const mark = await deps.redis.get(portalRevokedKey(deps.redisPrefix, token.tenantId, token.customerId));
    return mark !== null && linkId <= Number(mark);
  } catch (err) {
    deps.log.warn({ err: (err as Error).message }, 'portal revocation checked in Postgres: redis unavailable');
    const mark = await withTenant(deps.db, token.tenantId, (trx) =>
      repo.revocationMark(trx, token.tenantId, token.customerId),
    );
    return linkId <= mark;
  }
}
