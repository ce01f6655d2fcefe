import { randomUUID } from 'node:crypto';
import { listSuspendedUserTenantsAsOwner, listUserTenantsAsOwner, type TenantSummary } from '../../tenancy/index';
import { IdentityErrors } from '../errors';
import { listPlatformRolesAsOwner } from '../platform-repo';
import * as repo from '../repo';
import type { MeBody } from '../schema';
import { mintRefreshToken } from '../secret-tokens';
import type { User } from '../tables';
import type { IdentityDeps, IssuedSession, RequestMeta } from './context';

/** The profile part of a session answer (and of GET /me). */
export function profileBody(
  ctx: IdentityDeps,
  user: User,
  tenants: TenantSummary[],
  tenant: TenantSummary,
  platformRoles: string[],
  expiresIn: number,
): MeBody {
  return {
    expiresIn,
    user: { id: user.id, email: user.email, name: user.name },
    tenant: { id: tenant.id, name: tenant.name, slug: tenant.slug },
    roles: tenant.roles,
    platformRoles,
    permissions: [...ctx.rbac.permissionsFor(tenant.roles, platformRoles)].sort(),
    tenants,
  };
}

/**
 * Start a refresh-token generation for the user in a tenant (the first one when none is asked
 * for) and sign its access token. 403 when the user is not a member there (or anywhere).
 */
export async function issueSession(
  ctx: IdentityDeps,
  user: User,
  tenantId: string | undefined,
  familyId: string | undefined,
  meta: RequestMeta,
): Promise<IssuedSession & { sessionId: string }> {
  const tenants = await listUserTenantsAsOwner(ctx.db, user.id);
  const tenant = tenantId ? tenants.find((t) => t.id === tenantId) : tenants[0];
  if (!tenant) {
    // A suspended organisation is left out above; say so rather than "not a member".
    const suspended = await listSuspendedUserTenantsAsOwner(ctx.db, user.id);
    const asked = tenantId ? suspended.find((t) => t.id === tenantId) : suspended[0];
    if (asked) throw IdentityErrors.tenantSuspended(asked.name);
  }
  if (!tenants.length) throw IdentityErrors.noOrganisation();
  if (!tenant) throw IdentityErrors.notAMember();
  // Platform roles come only from platform grants, never from the tenant's role assignments.
  const platformRoles = await listPlatformRolesAsOwner(ctx.db, user.id);
  const refresh = mintRefreshToken();
  const family = familyId ?? randomUUID();
  const sessionId = await repo.insertSession(ctx.db, {
    userId: user.id,
    familyId: family,
    tokenHash: refresh.hash,
    tenantId: tenant.id,
    expiresAt: new Date(Date.now() + ctx.config.REFRESH_TOKEN_TTL_S * 1000),
    ip: meta.ip,
    userAgent: meta.userAgent,
  });
  const accessToken = ctx.accessTokens.sign({
    sub: user.id,
    sid: family,
    tid: tenant.id,
    roles: tenant.roles,
    platformRoles,
    pv: user.perms_version,
    portal: 'internal',
    email: user.email,
  });
  return {
    body: { accessToken, ...profileBody(ctx, user, tenants, tenant, platformRoles, ctx.accessTokens.ttlSeconds) },
    refreshToken: refresh.token,
    sessionId,
  };
}
