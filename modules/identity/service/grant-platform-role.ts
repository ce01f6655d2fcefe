import type { Db } from '../../core/db';
import { badRequest, conflict, notFound } from '../../core/errors';
import type { Rbac } from '../../tenancy/index';
import * as platform from '../platform-repo';
import type { PlatformActor, PlatformGrant } from '../platform-repo';
import * as repo from '../repo';
import type { IdentityDeps } from './context';
import { bumpPermsVersion } from './revoke-access';

/*
 * Platform roles (ops) are granted and revoked only by a platform operator (`platform.roles.*`,
 * which no tenant role can hold), each change recorded with actor and reason in the same
 * transaction. A change bumps the user's permission version, so their current access token stops
 * working and the next refresh carries the new platform roles.
 */

function checkPlatformRole(rbac: Rbac, role: string): void {
  if (rbac.scopeOf(role) === 'platform') return;
  const message =
    rbac.scopeOf(role) === 'tenant' ? `${role} is a tenant role: an organisation's admin grants it` : `unknown platform role ${role}`;
  throw badRequest('1 invalid field(s)', [{ path: 'body.role', message }], 'FIG_VALIDATION');
}

/** POST /_fig/platform/grants: grant a platform role to an existing user (404 unknown, 409 held). */
export async function grantPlatformRole(
  ctx: IdentityDeps,
  input: { email: string; role: string; reason: string } & PlatformActor,
): Promise<PlatformGrant> {
  checkPlatformRole(ctx.rbac, input.role);
  const grant = await ctx.db.transaction().execute(async (trx) => {
    const user = await repo.findUserByEmailAsOwner(trx, input.email);
    if (!user) throw notFound('User', input.email);
    const row = await platform.insertGrant(trx, {
      userId: user.id,
      role: input.role,
      grantedBy: input.actorId,
      grantedByActor: input.actor,
      reason: input.reason,
    });
    if (!row) throw conflict('FIG_ALREADY_GRANTED', `${user.email} already holds the platform role ${input.role}`);
    await platform.recordEvent(trx, { ...input, userId: user.id, email: user.email, action: 'grant' });
    return {
      userId: user.id,
      email: user.email,
      role: input.role,
      grantedBy: input.actor,
      reason: input.reason,
      createdAt: row.created_at.toISOString(),
    };
  });
  await bumpPermsVersion(ctx, grant.userId);
  return grant;
}

/** DELETE /_fig/platform/grants: revoke a user's platform role (404 when not held). Returns the user id. */
export async function revokePlatformRole(
  ctx: IdentityDeps,
  input: { email: string; role: string; reason: string } & PlatformActor,
): Promise<string> {
  checkPlatformRole(ctx.rbac, input.role);
  const userId = await ctx.db.transaction().execute(async (trx) => {
    const id = await platform.deleteGrantByEmail(trx, input.email, input.role);
    if (!id) throw notFound(`Platform role ${input.role} of`, input.email);
    await platform.recordEvent(trx, { ...input, userId: id, email: input.email.toLowerCase(), action: 'revoke' });
    return id;
  });
  await bumpPermsVersion(ctx, userId);
  return userId;
}

/**
 * Make sure a user holds a platform role, recording a grant event only when it is new. For the
 * demo seed and test set-up, which act as the platform itself; the database admits only platform
 * roles here (foreign key on the role's scope).
 */
export async function ensurePlatformRoleAsOwner(
  db: Db,
  g: { userId: string; email: string; role: string; reason: string; actor: string },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await platform.insertGrant(trx, { userId: g.userId, role: g.role, grantedBy: null, grantedByActor: g.actor, reason: g.reason });
    if (row) await platform.recordEvent(trx, { ...g, actorId: null, action: 'grant' });
    return row !== undefined;
  });
}
