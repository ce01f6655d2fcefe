import type { Db } from '../core/db';
import type { Executor } from './repo';
import './tables';

/*
 * Platform roles (ops) live in identity.platform_role_grants, keyed by user: no tenant can grant
 * or see them. Everything here runs on the OWNER connection (the tables are owner-only) and is
 * reached only from platform-operator routes (`platform.roles.*`) or the operator's own sign-in.
 * The use cases are in service/grant-platform-role.ts.
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

/** Insert a grant; undefined when the user already holds the role. */
export async function insertGrant(
  trx: Executor,
  g: { userId: string; role: string; grantedBy: string | null; grantedByActor: string; reason: string },
): Promise<{ created_at: Date } | undefined> {
  return trx
    .insertInto('identity.platform_role_grants')
    .values({ user_id: g.userId, role_key: g.role, granted_by: g.grantedBy, granted_by_actor: g.grantedByActor, reason: g.reason })
    .onConflict((c) => c.columns(['user_id', 'role_key']).doNothing())
    .returning(['created_at'])
    .executeTakeFirst();
}

/** Delete the grant of a role to the user with this email; the user id, or undefined when there was none. */
export async function deleteGrantByEmail(trx: Executor, email: string, role: string): Promise<string | undefined> {
  const row = await trx
    .deleteFrom('identity.platform_role_grants')
    .where('role_key', '=', role)
    .where('user_id', '=', trx.selectFrom('identity.users').select('id').where('email', '=', email.toLowerCase()))
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id;
}

/** Append a grant or revoke to the record. */
export async function recordEvent(
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
