import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Db } from '../../../core/db';
import type { Config } from '../../../core/config';
import type { AccessTokens } from '../../../identity/index';
import { findOrganisationAsOwner } from '../../../tenancy/index';
import type { AparService, Caller } from '../../service';
import { PortalErrors } from '../errors';

/** What the portal's use cases need: the app's clients, the token signer and the AP/AR reads. */
export interface PortalDeps {
  db: Db;
  log: FastifyBaseLogger;
  config: Pick<Config, 'PORTAL_TOKEN_TTL_S'>;
  accessTokens: AccessTokens;
  /** Revocation marks for the hot path (portal:revoked:…), under this key prefix. */
  redis: Redis;
  redisPrefix: string;
  apar: AparService;
  clock?: () => Date;
}

/** A signed-in customer contact, as the portal routes see one (from the portal token). */
export interface PortalCaller {
  tenantId: string;
  customerId: number;
  email: string;
  requestId: string;
  ip: string;
}

export const now = (deps: PortalDeps) => deps.clock?.() ?? new Date();

/** The organisation behind a portal slug (active ones only), or 404. */
export async function portalOrganisation(
  deps: PortalDeps,
  slug: string,
): Promise<{ id: string; name: string; slug: string }> {
  const org = await findOrganisationAsOwner(deps.db, slug);
  if (!org || org.suspended_at) throw PortalErrors.portalNotFound(slug);
  return { id: org.id, name: org.name, slug: org.slug };
}

/** The AP/AR caller a portal read runs as (audit actor `portal:<email>`). */
export const aparCaller = (c: PortalCaller): Caller => ({
  tenantId: c.tenantId,
  actor: `portal:${c.email}`,
  requestId: c.requestId,
  ip: c.ip,
});
