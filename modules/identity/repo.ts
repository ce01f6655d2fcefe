import { sql } from 'kysely';
import type { Db, Trx } from '../core/db';
import type { User, UserSession } from './tables';
import './tables';

/*
 * identity tables are global (users belong to several organisations) and owner-only (sessions,
 * auth events, action tokens, outbox). Every function here runs on the OWNER connection, not
 * withTenant: sign-in, refresh and reset happen before (or across) any tenant. They only ever
 * read the one user / token / session they are asked about. See docs/adr/0002.
 */

export type Executor = Db | Trx;

export async function findUserByEmailAsOwner(db: Executor, email: string): Promise<User | undefined> {
  return db
    .selectFrom('identity.users')
    .selectAll()
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
}

export async function findUserAsOwner(db: Executor, id: string): Promise<User | undefined> {
  return db.selectFrom('identity.users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertUserAsOwner(
  db: Executor,
  u: { email: string; name: string; passwordHash: string | null; verified: boolean },
): Promise<User> {
  return db
    .insertInto('identity.users')
    .values({
      email: u.email.toLowerCase(),
      name: u.name,
      password_hash: u.passwordHash,
      email_verified_at: u.verified ? new Date() : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Bump the user's permission version; tokens carrying an older `pv` stop working. */
export async function bumpPermsVersionAsOwner(db: Executor, userId: string): Promise<number> {
  const row = await db
    .updateTable('identity.users')
    .set({ perms_version: sql`perms_version + 1`, updated_at: new Date() })
    .where('id', '=', userId)
    .returning('perms_version')
    .executeTakeFirstOrThrow();
  return row.perms_version;
}

/** Set a new password; also confirms the email (the reset link reached it). */
export async function setPasswordAsOwner(db: Executor, id: string, passwordHash: string): Promise<void> {
  await db
    .updateTable('identity.users')
    .set({ password_hash: passwordHash, email_verified_at: sql`coalesce(email_verified_at, now())`, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function markEmailVerifiedAsOwner(db: Executor, id: string): Promise<void> {
  await db.updateTable('identity.users').set({ email_verified_at: new Date(), updated_at: new Date() }).where('id', '=', id).execute();
}

/**
 * Users visible in a tenant transaction, by email, with the total. RLS (members_of_tenant,
 * migrations/0011) shows the app role exactly the members of the transaction's tenant.
 */
export async function listTenantUsers(
  trx: Trx,
  offset: number,
  limit: number,
): Promise<{ rows: { id: string; email: string; name: string }[]; total: number }> {
  const rows = await trx.selectFrom('identity.users').select(['id', 'email', 'name']).orderBy('email').offset(offset).limit(limit).execute();
  const { n } = await trx.selectFrom('identity.users').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return { rows, total: Number(n) };
}

/** One user visible in a tenant transaction (a member of its tenant), by id or email. */
export async function findTenantUser(
  trx: Trx,
  by: { id: string } | { email: string },
): Promise<{ id: string; email: string; name: string } | undefined> {
  const q = trx.selectFrom('identity.users').select(['id', 'email', 'name']);
  return ('id' in by ? q.where('id', '=', by.id) : q.where('email', '=', by.email)).executeTakeFirst();
}

/** Postgres answer to "was this access token revoked" (used when Redis is unavailable). */
export async function isAccessRevokedInDb(
  db: Executor,
  claims: { sub: string; pv: number; sid?: string | undefined },
): Promise<boolean> {
  const user = await db
    .selectFrom('identity.users')
    .select('perms_version')
    .where('id', '=', claims.sub)
    .executeTakeFirst();
  if (!user || user.perms_version > claims.pv) return true;
  if (!claims.sid) return false;
  const ended = await db
    .selectFrom('identity.user_sessions')
    .select('id')
    .where('family_id', '=', claims.sid)
    .where('revoked_at', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  return ended !== undefined;
}

export interface AuthEventInput {
  type:
    | 'login_success'
    | 'login_failure'
    | 'login_locked'
    | 'lockout'
    | 'refresh'
    | 'refresh_reuse'
    | 'logout'
    | 'logout_all'
    | 'password_reset_requested'
    | 'password_reset'
    | 'email_verified'
    | 'invitation_accepted'
    | 'signup_requested'
    | 'signup_completed'
    | 'mfa_enrolled'
    | 'mfa_disabled'
    | 'mfa_challenge_failed'
    | 'mfa_recovery_code_used';
  userId?: string | null;
  email?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  detail?: Record<string, unknown>;
}

export async function insertAuthEvent(db: Executor, e: AuthEventInput): Promise<void> {
  await db
    .insertInto('identity.auth_events')
    .values({
      type: e.type,
      user_id: e.userId ?? null,
      email: e.email ?? null,
      ip: e.ip ?? null,
      user_agent: e.userAgent?.slice(0, 500) ?? null,
      detail: JSON.stringify(e.detail ?? {}),
    })
    .execute();
}

export async function insertSession(
  db: Executor,
  s: {
    userId: string;
    familyId: string;
    tokenHash: string;
    tenantId: string;
    expiresAt: Date;
    ip: string | null;
    userAgent: string | null;
  },
): Promise<string> {
  const row = await db
    .insertInto('identity.user_sessions')
    .values({
      user_id: s.userId,
      family_id: s.familyId,
      token_hash: s.tokenHash,
      active_tenant_id: s.tenantId,
      expires_at: s.expiresAt,
      ip: s.ip,
      user_agent: s.userAgent?.slice(0, 500) ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findSessionByHash(db: Executor, tokenHash: string): Promise<UserSession | undefined> {
  return db
    .selectFrom('identity.user_sessions')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Mark a live session rotated; false when someone else rotated or revoked it first (a race = reuse). */
export async function markRotated(db: Executor, id: string, replacedBy: string | null): Promise<boolean> {
  const res = await db
    .updateTable('identity.user_sessions')
    .set({ rotated_at: new Date(), replaced_by: replacedBy })
    .where('id', '=', id)
    .where('rotated_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function setReplacedBy(db: Executor, id: string, replacedBy: string): Promise<void> {
  await db
    .updateTable('identity.user_sessions')
    .set({ replaced_by: replacedBy })
    .where('id', '=', id)
    .execute();
}

/** Undo a rotation (the new session could not be issued): the presented token stays usable. */
export async function clearRotated(db: Executor, id: string): Promise<void> {
  await db.updateTable('identity.user_sessions').set({ rotated_at: null }).where('id', '=', id).execute();
}

export async function revokeFamily(db: Executor, familyId: string, reason: string): Promise<number> {
  const res = await db
    .updateTable('identity.user_sessions')
    .set({ revoked_at: new Date(), revoke_reason: reason })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

export async function revokeUserSessions(db: Executor, userId: string, reason: string): Promise<number> {
  const res = await db
    .updateTable('identity.user_sessions')
    .set({ revoked_at: new Date(), revoke_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

export async function insertActionToken(
  db: Executor,
  t: { userId: string; purpose: 'verify_email' | 'reset_password'; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('identity.action_tokens')
    .values({ user_id: t.userId, purpose: t.purpose, token_hash: t.tokenHash, expires_at: t.expiresAt })
    .execute();
}

/**
 * A reset token for the active account with this email, in one statement that inserts nothing
 * when there is none: both answers to a reset request run the same queries.
 */
export async function insertResetTokenForEmail(
  db: Executor,
  t: { email: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('identity.action_tokens')
    .columns(['user_id', 'purpose', 'token_hash', 'expires_at'])
    .expression(
      db
        .selectFrom('identity.users')
        .select([
          'id',
          sql.lit('reset_password').as('purpose'),
          sql`${t.tokenHash}::text`.as('token_hash'),
          sql`${t.expiresAt}::timestamptz`.as('expires_at'),
        ])
        .where('email', '=', t.email.toLowerCase())
        .where('disabled_at', 'is', null),
    )
    .execute();
}

/** Use a single-use token: atomically marks it used; undefined when unknown, used, expired or of another purpose. */
export async function consumeActionToken(
  db: Executor,
  purpose: 'verify_email' | 'reset_password',
  tokenHash: string,
): Promise<string | undefined> {
  const row = await db
    .updateTable('identity.action_tokens')
    .set({ used_at: new Date() })
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id;
}
