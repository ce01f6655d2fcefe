import type { Db } from '../core/db';
import { badRequest, conflict, notFound } from '../core/errors';
import type { Rbac } from '../tenancy/index';
import type { Executor } from './repo';
import './tables';

/*
 * Platform roles (ops) live in identity.platform_role_grants, keyed by user: no tenant can grant
 * or see them. Everything here runs on the OWNER connection (the tables are owner-only) and is
 * reached only from platform-operator routes (`platform.roles.*`) or the operator's own sign-in.
 */

/** A platform role held by a user, with who granted it and why. */
export interface PlatformGrant {
  userId: string;
  email: string;
  role: string;
  grantedBy: string;
  reason: string;
  createdAt: string;
}

/** One grant or revoke, as recorded. */
export interface PlatformRoleEvent {
  id: string;
  userId: string;
  email: string;
  role: string;
  action: 'grant' | 'revoke';
  actor: string;
  reason: string;
  requestId: string | null;
  createdAt: string;
}

/** Who changes a grant, for the record. */
export interface PlatformActor {
  actor: string;
  /** User id of a signed-in operator; null for the admin token or the CLI. */
  actorId: string | null;
  requestId?: string | null;
  ip?: string | null;
}

/** The platform roles of one user (sign-in, refresh, me). */
export async function listPlatformRolesAsOwner(db: Executor, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('identity.platform_role_grants')
    .select('role_key')
    .where('user_id', '=', userId)
    .orderBy('role_key')
    .execute();
  return rows.map((r) => r.role_key);
}

/** Every platform grant, by email then role. */
export async function listPlatformGrants(db: Db): Promise<PlatformGrant[]> {
  const rows = await db
    .selectFrom('identity.platform_role_grants as g')
    .innerJoin('identity.users as u', 'u.id', 'g.user_id')
    .select(['g.user_id', 'u.email', 'g.role_key', 'g.granted_by_actor', 'g.reason', 'g.created_at'])
    .orderBy('u.email')
    .orderBy('g.role_key')
    .execute();
  return rows.map((r) => ({
    userId: r.user_id,
    email: r.email,
    role: r.role_key,
    grantedBy: r.granted_by_actor,
    reason: r.reason,
    createdAt: r.created_at.toISOString(),
  }));
}

/** The grant and revoke record, newest first. */
export async function listPlatformRoleEvents(db: Db, limit: number): Promise<PlatformRoleEvent[]> {
  const rows = await db
    .selectFrom('identity.platform_role_events')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: String(r.id),
    userId: r.user_id,
    email: r.email,
    role: r.role_key,
    action: r.action,
    actor: r.actor,
    reason: r.reason,
    requestId: r.request_id,
    createdAt: r.created_at.toISOString(),
  }));
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
    const row = await trx
      .insertInto('identity.platform_role_grants')
      .values({
        user_id: g.userId,
        role_key: g.role,
        granted_by: null,
        granted_by_actor: g.actor,
        reason: g.reason,
      })
      .onConflict((c) => c.columns(['user_id', 'role_key']).doNothing())
      .returning('user_id')
      .executeTakeFirst();
    if (row) await recordEvent(trx, { ...g, actorId: null, action: 'grant' });
    return row !== undefined;
  });
}

function checkPlatformRole(rbac: Rbac, role: string): void {
  if (rbac.scopeOf(role) === 'platform') return;
  const message =
    rbac.scopeOf(role) === 'tenant'
      ? `${role} is a tenant role: an organisation's admin grants it`
      : `unknown platform role ${role}`;
  throw badRequest('1 invalid field(s)', [{ path: 'body.role', message }], 'FIG_VALIDATION');
}

/**
 * Grant a platform role to an existing user, recording actor and reason in the same transaction.
 * Returns the user id (whose permission version the caller bumps).
 */
export async function grantPlatformRole(
  db: Db,
  rbac: Rbac,
  input: { email: string; role: string; reason: string } & PlatformActor,
): Promise<PlatformGrant> {
  checkPlatformRole(rbac, input.role);
  return db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom('identity.users')
      .select(['id', 'email'])
      .where('email', '=', input.email.toLowerCase())
      .executeTakeFirst();
    if (!user) throw notFound('User', input.email);
    const row = await trx
      .insertInto('identity.platform_role_grants')
      .values({
        user_id: user.id,
        role_key: input.role,
        granted_by: input.actorId,
        granted_by_actor: input.actor,
        reason: input.reason,
      })
      .onConflict((c) => c.columns(['user_id', 'role_key']).doNothing())
      .returning(['created_at'])
      .executeTakeFirst();
    if (!row)
      throw conflict('FIG_ALREADY_GRANTED', `${user.email} already holds the platform role ${input.role}`);
    await recordEvent(trx, { ...input, userId: user.id, email: user.email, action: 'grant' });
    return {
      userId: user.id,
      email: user.email,
      role: input.role,
      grantedBy: input.actor,
      reason: input.reason,
      createdAt: row.created_at.toISOString(),
    };
  });
}

/** Revoke a platform role, recorded with actor and reason. Returns the user id. */
export async function revokePlatformRole(
  db: Db,
  rbac: Rbac,
  input: { email: string; role: string; reason: string } & PlatformActor,
): Promise<string> {
  checkPlatformRole(rbac, input.role);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .deleteFrom('identity.platform_role_grants')
      .where('role_key', '=', input.role)
      .where(
        'user_id',
        '=',
        trx.selectFrom('identity.users').select('id').where('email', '=', input.email.toLowerCase()),
      )
      .returning('user_id')
      .executeTakeFirst();
    if (!row) throw notFound(`Platform role ${input.role} of`, input.email);
    await recordEvent(trx, {
      ...input,
      userId: row.user_id,
      email: input.email.toLowerCase(),
      action: 'revoke',
    });
    return row.user_id;
  });
}

async function recordEvent(
  trx: Executor,
  e: PlatformActor & {
    userId: string;
    email: string;
    role: string;
    reason: string;
    action: 'grant' | 'revoke';
  },
): Promise<void> {
  await trx
    .insertInto('identity.platform_role_events')
    .values({
      user_id: e.userId,
      email: e.email,
      role_key: e.role,
      action: e.action,
      actor: e.actor,
      actor_id: e.actorId,
      reason: e.reason,
      request_id: e.requestId ?? null,
      ip: e.ip ?? null,
    })
    .execute();
}
