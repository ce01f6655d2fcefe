import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../../gateway/config';
import { AppError, badRequest, forbidden } from '../core/errors';
import { APP_ROLE, type Db, type Trx } from '../core/db';
import type { AuthContext } from '../core/auth-context';
import { recordAudit } from '../audit/index';
import {
  addMember,
  findInvitationByHashAsOwner,
  listUserTenantsAsOwner,
  type TenantSummary,
} from '../tenancy/repo';
import type { Rbac } from '../tenancy/rbac';
import { permsVersionKey, type AccessTokens } from './access-tokens';
import { listPlatformRolesAsOwner } from './platform-roles';
import { LoginThrottle, type Lock } from './login-throttle';
import { hashPassword, passwordRefusal, verifyPassword } from './passwords';
import * as repo from './repo';
import { sessionRevokedKey, type RedisFallback } from './revocation';
import type { MeBody, SessionBody } from './schema';
import {
  checkDeviceToken,
  checkSignedToken,
  mintDeviceToken,
  mintRefreshToken,
  mintSignedToken,
  sha256,
  type TokenPurpose,
} from './secret-tokens';
import type { User } from './tables';

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export interface IssuedSession {
  body: SessionBody;
  refreshToken: string;
  /** Device cookie to (re)set after a password sign-in. */
  deviceToken?: string;
}

export interface IdentityDeps {
  db: Db;
  redis: Redis;
  config: Config;
  accessTokens: AccessTokens;
  rbac: Rbac;
  log: FastifyBaseLogger;
  /** Counts security checks that could not use Redis (a Prometheus counter in the app). */
  onRedisFallback?: RedisFallback;
}

const invalidCredentials = () => new AppError('FIG_INVALID_CREDENTIALS', 401, 'Email or password is wrong');
const refreshInvalid = () => new AppError('FIG_REFRESH_INVALID', 401, 'The session has ended: sign in again');
const tokenInvalid = () =>
  badRequest('The link is invalid, expired or was already used', [], 'FIG_TOKEN_INVALID');
const weakPassword = (message: string) =>
  badRequest('1 invalid field(s)', [{ path: 'body.password', message }], 'FIG_VALIDATION');

const RESET_TTL_MS = 60 * 60 * 1000;
const VERIFY_TTL_MS = 24 * 60 * 60 * 1000;
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Switch an owner transaction to one tenant half-way (the same as withTenant does at its start),
 * for flows that must first read global/cross-tenant rows and then write tenant rows atomically.
 */
export async function switchToTenant(trx: Trx, tenantId: string): Promise<void> {
  await sql`select set_config('app.tenant_id', ${tenantId}, true)`.execute(trx);
  await sql.raw(`set local role ${APP_ROLE}`).execute(trx);
}

/** Sign-in, sessions (rotating refresh tokens), email verification, password reset, invitations acceptance. */
export class IdentityService {
  readonly throttle: LoginThrottle;

  constructor(private readonly d: IdentityDeps) {
    this.throttle = new LoginThrottle(d.redis, {
      prefix: d.config.REDIS_PREFIX,
      accountThreshold: d.config.AUTH_LOCKOUT_THRESHOLD,
      ipThreshold: d.config.AUTH_LOCKOUT_IP_THRESHOLD,
      baseMs: d.config.AUTH_LOCKOUT_BASE_MS,
      maxMs: d.config.AUTH_LOCKOUT_MAX_MS,
      failWindowS: d.config.AUTH_FAIL_WINDOW_S,
    });
  }

  private secrets(): string[] {
    return this.d.accessTokens.keys.map((k) => k.secret);
  }

  /** A signed single-use token for a mailed link. */
  mintLinkToken(purpose: TokenPurpose) {
    return mintSignedToken(this.secrets()[0]!, purpose);
  }

  /** Make every access token of the user older than now invalid (role change, logout-all, reset). */
  async bumpPermsVersion(userId: string, db: repo.Executor = this.d.db): Promise<number> {
    const pv = await repo.bumpPermsVersionAsOwner(db, userId);
    await this.publishPermsVersion(userId, pv);
    return pv;
  }

  async publishPermsVersion(userId: string, pv: number): Promise<void> {
    await this.d.redis
      .set(
        permsVersionKey(this.d.config.REDIS_PREFIX, userId),
        String(pv),
        'EX',
        this.d.config.ACCESS_TOKEN_TTL_S + 60,
      )
      .catch((err: Error) => {
        this.d.onRedisFallback?.('revocation_publish', 'skipped');
        this.d.log.warn({ err: err.message, userId }, 'could not publish permission version');
      });
  }

  private body(
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
      permissions: [...this.d.rbac.permissionsFor(tenant.roles, platformRoles)].sort(),
      tenants,
    };
  }

  /** Start a refresh-token generation for the user in a tenant and sign its access token. */
  private async issue(
    user: User,
    tenantId: string | undefined,
    familyId: string | undefined,
    meta: RequestMeta,
  ): Promise<IssuedSession & { sessionId: string }> {
    const tenants = await listUserTenantsAsOwner(this.d.db, user.id);
    if (!tenants.length) throw forbidden('This account is not a member of any organisation');
    const tenant = tenantId ? tenants.find((t) => t.id === tenantId) : tenants[0];
    if (!tenant) throw new AppError('FIG_NOT_A_MEMBER', 403, 'You are not a member of this organisation');
    // Platform roles come only from platform grants, never from the tenant's role assignments.
    const platformRoles = await listPlatformRolesAsOwner(this.d.db, user.id);
    const refresh = mintRefreshToken();
    const family = familyId ?? randomUUID();
    const sessionId = await repo.insertSession(this.d.db, {
      userId: user.id,
      familyId: family,
      tokenHash: refresh.hash,
      tenantId: tenant.id,
      expiresAt: new Date(Date.now() + this.d.config.REFRESH_TOKEN_TTL_S * 1000),
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
    const accessToken = this.d.accessTokens.sign({
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
      body: {
        accessToken,
        ...this.body(user, tenants, tenant, platformRoles, this.d.accessTokens.ttlSeconds),
      },
      refreshToken: refresh.token,
      sessionId,
    };
  }

  /**
   * Password sign-in. The attempt is counted (atomically, across processes) before the password
   * is verified; see LoginThrottle for the buckets. `deviceToken` is the browser's device cookie.
   * Without Redis there is no brute-force limit, so sign-in fails closed (503) until it is back.
   */
  async login(
    input: { email: string; password: string; tenantId?: string },
    meta: RequestMeta,
    deviceToken?: string,
  ): Promise<IssuedSession> {
    const email = input.email.toLowerCase();
    const ip = meta.ip ?? 'unknown';
    const deviceId = deviceToken ? checkDeviceToken(this.secrets(), email, deviceToken) : undefined;
    const attempt = await this.throttle.reserve(email, ip, deviceId).catch((err: Error) => {
      this.d.onRedisFallback?.('login_throttle', 'refused');
      this.d.log.error({ err: err.message }, 'sign-in refused: login throttle unavailable (redis)');
      throw new AppError(
        'FIG_AUTH_UNAVAILABLE',
        503,
        'Sign-in is unavailable for a moment; try again shortly',
        [],
        {
          retryAfter: 30,
        },
      );
    });
    if (!attempt.allowed) {
      if (attempt.newLock) await this.lockedOut(email, meta, attempt.newLock);
      else
        await repo.insertAuthEvent(this.d.db, {
          type: 'login_locked',
          email,
          ip: meta.ip,
          userAgent: meta.userAgent,
          detail: { scope: attempt.scope },
        });
      const seconds = Math.ceil(attempt.retryAfterMs / 1000);
      throw new AppError('FIG_LOGIN_LOCKED', 429, `Too many failed sign-ins; try again in ${seconds} s`, [], {
        retryAfter: seconds,
      });
    }
    const user = await repo.findUserByEmailAsOwner(this.d.db, email);
    const ok = await verifyPassword(user?.password_hash, input.password);
    if (!ok || !user) {
      const locks = await this.throttle.fail(email, ip, deviceId).catch((err: Error) => {
        this.d.log.warn({ err: err.message }, 'failed sign-in not counted: redis unavailable');
        return [];
      });
      await repo.insertAuthEvent(this.d.db, {
        type: 'login_failure',
        userId: user?.id,
        email,
        ip: meta.ip,
        userAgent: meta.userAgent,
      });
      for (const l of locks) await this.lockedOut(email, meta, l, user);
      throw invalidCredentials();
    }
    if (user.disabled_at) throw new AppError('FIG_ACCOUNT_DISABLED', 403, 'This account is disabled');
    await this.throttle.succeed(email, ip, deviceId).catch((err: Error) => {
      this.d.log.warn({ err: err.message }, 'sign-in throttle not released: redis unavailable');
    });
    const issued = await this.issue(user, input.tenantId, undefined, meta);
    await repo.insertAuthEvent(this.d.db, {
      type: 'login_success',
      userId: user.id,
      email,
      ip: meta.ip,
      userAgent: meta.userAgent,
      detail: { tenantId: issued.body.tenant.id, knownDevice: deviceId !== undefined },
    });
    return { ...issued, deviceToken: deviceId ? deviceToken : mintDeviceToken(this.secrets()[0]!, email) };
  }

  /**
   * A bucket was just locked: record it, and tell the owner of the account the first time its
   * unknown-device bucket locks within a lockout episode (level 1: the first lock in 24 h).
   */
  private async lockedOut(email: string, meta: RequestMeta, lock: Lock, known?: User): Promise<void> {
    const user =
      known ?? (lock.scope === 'ip' ? undefined : await repo.findUserByEmailAsOwner(this.d.db, email));
    await this.d.db.transaction().execute(async (trx) => {
      await repo.insertAuthEvent(trx, {
        type: 'lockout',
        userId: user?.id,
        email,
        ip: meta.ip,
        userAgent: meta.userAgent,
        detail: { ...lock },
      });
      if (user && lock.scope === 'account' && lock.level === 1)
        await repo.enqueueMessage(trx, {
          kind: 'login_locked',
          to: user.email,
          subject: 'Failed sign-ins to your fig account',
          body:
            `Someone failed to sign in to ${user.email} ${this.d.config.AUTH_LOCKOUT_THRESHOLD} times from a device ` +
            `that never signed in to it. fig now slows sign-ins from new devices (next try in ` +
            `${Math.ceil(lock.ms / 1000)} s); browsers you signed in with before are not affected. If this was ` +
            `not you, your account is safe as long as your password is not known; consider changing it.`,
          payload: { userId: user.id, scope: lock.scope },
        });
    });
  }

  /** Make the access tokens of a session family invalid now (logout, refresh-token reuse). */
  private async endAccessForFamily(familyId: string): Promise<void> {
    await this.d.redis
      .set(
        sessionRevokedKey(this.d.config.REDIS_PREFIX, familyId),
        '1',
        'EX',
        this.d.config.ACCESS_TOKEN_TTL_S + 60,
      )
      .catch((err: Error) => {
        this.d.onRedisFallback?.('revocation_publish', 'skipped');
        this.d.log.warn({ err: err.message, familyId }, 'could not publish session revocation');
      });
  }

  /**
   * Rotate a refresh token: the presented one is marked rotated and a new one of the same family
   * is issued. A token that was already rotated (or loses a rotation race) is a stolen or replayed
   * token: the whole family is revoked and a `refresh_reuse` auth event recorded.
   */
  async refresh(
    token: string | undefined,
    tenantId: string | undefined,
    meta: RequestMeta,
  ): Promise<IssuedSession> {
    if (!token) throw refreshInvalid();
    const session = await repo.findSessionByHash(this.d.db, sha256(token));
    if (!session) throw refreshInvalid();
    const reuse = async () => {
      const revoked = await repo.revokeFamily(this.d.db, session.family_id, 'reuse_detected');
      await this.endAccessForFamily(session.family_id);
      await repo.insertAuthEvent(this.d.db, {
        type: 'refresh_reuse',
        userId: session.user_id,
        ip: meta.ip,
        userAgent: meta.userAgent,
        detail: { familyId: session.family_id, sessionId: session.id, revoked },
      });
      this.d.log.warn(
        { userId: session.user_id, familyId: session.family_id },
        'refresh token reuse: session family revoked',
      );
      return new AppError(
        'FIG_REFRESH_REUSED',
        401,
        'This session was ended because its refresh token was used twice: sign in again',
      );
    };
    if (session.rotated_at) throw await reuse();
    if (session.revoked_at || session.expires_at.getTime() <= Date.now()) throw refreshInvalid();
    const user = await repo.findUserAsOwner(this.d.db, session.user_id);
    if (!user || user.disabled_at) {
      await repo.revokeFamily(this.d.db, session.family_id, 'user_disabled');
      throw refreshInvalid();
    }
    if (!(await repo.markRotated(this.d.db, session.id, null))) throw await reuse();
    const issued = await this.issue(
      user,
      tenantId ?? session.active_tenant_id ?? undefined,
      session.family_id,
      meta,
    ).catch(async (err: unknown) => {
      // Not a member (any more) of the requested tenant: the old token stays usable.
      await this.d.db
        .updateTable('identity.user_sessions')
        .set({ rotated_at: null })
        .where('id', '=', session.id)
        .execute();
      throw err;
    });
    await repo.setReplacedBy(this.d.db, session.id, issued.sessionId);
    await repo.insertAuthEvent(this.d.db, {
      type: 'refresh',
      userId: user.id,
      ip: meta.ip,
      userAgent: meta.userAgent,
      detail: { familyId: session.family_id, tenantId: issued.body.tenant.id },
    });
    return issued;
  }

  /** End the session family of this refresh token (idempotent). */
  async logout(token: string | undefined, meta: RequestMeta): Promise<void> {
    if (!token) return;
    const session = await repo.findSessionByHash(this.d.db, sha256(token));
    if (!session) return;
    await repo.revokeFamily(this.d.db, session.family_id, 'logout');
    await this.endAccessForFamily(session.family_id);
    await repo.insertAuthEvent(this.d.db, {
      type: 'logout',
      userId: session.user_id,
      ip: meta.ip,
      userAgent: meta.userAgent,
      detail: { familyId: session.family_id },
    });
  }

  /** End every session of the user and invalidate their access tokens now. */
  async logoutAll(userId: string, meta: RequestMeta): Promise<number> {
    const revoked = await repo.revokeUserSessions(this.d.db, userId, 'logout_all');
    await this.bumpPermsVersion(userId);
    await repo.insertAuthEvent(this.d.db, {
      type: 'logout_all',
      userId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      detail: { revoked },
    });
    return revoked;
  }

  async me(auth: AuthContext, expiresAt: number | undefined): Promise<MeBody> {
    if (auth.kind !== 'user' || !auth.tenantId) throw forbidden('The admin token has no user profile');
    const user = await repo.findUserAsOwner(this.d.db, auth.userId);
    if (!user) throw new AppError('FIG_UNAUTHORIZED', 401, 'The account no longer exists');
    const tenants = await listUserTenantsAsOwner(this.d.db, user.id);
    const tenant = tenants.find((t) => t.id === auth.tenantId);
    if (!tenant)
      throw new AppError(
        'FIG_UNAUTHORIZED',
        401,
        'You are no longer a member of this organisation: sign in again',
      );
    const expiresIn = expiresAt ? Math.max(0, Math.floor(expiresAt - Date.now() / 1000)) : 0;
    return this.body(user, tenants, { ...tenant, roles: auth.roles }, auth.platformRoles, expiresIn);
  }

  /**
   * Always "accepted" (no account enumeration). Both answers do the same work — mint and hash a
   * token, then one transaction running the same three statements (a token row that is inserted
   * only for an active account, one mail, one auth event) — so timing tells nothing: an active
   * account gets the reset link, any other address a note that it has no fig account.
   */
  async requestPasswordReset(email: string, meta: RequestMeta): Promise<string | undefined> {
    const found = await repo.findUserByEmailAsOwner(this.d.db, email);
    const user = found && !found.disabled_at ? found : undefined;
    const { token, hash } = this.mintLinkToken('reset_password');
    const mail: repo.OutboxMessage = user
      ? {
          kind: 'password_reset',
          to: user.email,
          subject: 'Reset your fig password',
          body: `Someone asked to reset the password of ${user.email}. Open /app/reset-password#token=${token} within one hour. If it was not you, ignore this message.`,
          payload: { userId: user.id },
        }
      : {
          kind: 'password_reset_no_account',
          to: email,
          subject: 'Reset your fig password',
          body: `Someone asked to reset the fig password of ${email}, but no active fig account uses this address. If it was you, ask your organisation's admin for an invitation; otherwise ignore this message.`,
          payload: {},
        };
    await this.d.db.transaction().execute(async (trx) => {
      await repo.insertResetTokenForEmail(trx, {
        email,
        tokenHash: hash,
        expiresAt: new Date(Date.now() + RESET_TTL_MS),
      });
      await repo.enqueueMessage(trx, mail);
      await repo.insertAuthEvent(trx, {
        type: 'password_reset_requested',
        userId: user?.id ?? null,
        email,
        ip: meta.ip,
        userAgent: meta.userAgent,
        detail: { account: user !== undefined },
      });
    });
    return user ? token : undefined;
  }

  /** Set a new password with a reset token; ends every session of the account. */
  async resetPassword(token: string, password: string, meta: RequestMeta): Promise<void> {
    const hash = checkSignedToken(this.secrets(), 'reset_password', token);
    if (!hash) throw tokenInvalid();
    const userId = await this.d.db.transaction().execute(async (trx) => {
      const id = await repo.consumeActionToken(trx, 'reset_password', hash);
      if (!id) return undefined;
      const owner = await repo.findUserAsOwner(trx, id);
      // Refusing rolls the transaction back: the token stays usable for a better password.
      const refusal = owner && passwordRefusal(password, owner);
      if (refusal) throw weakPassword(refusal);
      const passwordHash = await hashPassword(password);
      await trx
        .updateTable('identity.users')
        .set({
          password_hash: passwordHash,
          email_verified_at: sql`coalesce(email_verified_at, now())`,
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
      await repo.revokeUserSessions(trx, id, 'password_reset');
      await repo.insertAuthEvent(trx, {
        type: 'password_reset',
        userId: id,
        ip: meta.ip,
        userAgent: meta.userAgent,
      });
      return id;
    });
    if (!userId) throw tokenInvalid();
    await this.bumpPermsVersion(userId);
  }

  async requestEmailVerification(userId: string): Promise<string | undefined> {
    const user = await repo.findUserAsOwner(this.d.db, userId);
    if (!user || user.email_verified_at) return undefined;
    const { token, hash } = this.mintLinkToken('verify_email');
    await this.d.db.transaction().execute(async (trx) => {
      await repo.insertActionToken(trx, {
        userId,
        purpose: 'verify_email',
        tokenHash: hash,
        expiresAt: new Date(Date.now() + VERIFY_TTL_MS),
      });
      await repo.enqueueMessage(trx, {
        kind: 'verify_email',
        to: user.email,
        subject: 'Confirm your email for fig',
        body: `Open /app/verify-email#token=${token} within 24 hours to confirm ${user.email}.`,
        payload: { userId },
      });
    });
    return token;
  }

  async verifyEmail(token: string, meta: RequestMeta): Promise<void> {
    const hash = checkSignedToken(this.secrets(), 'verify_email', token);
    if (!hash) throw tokenInvalid();
    const ok = await this.d.db.transaction().execute(async (trx) => {
      const id = await repo.consumeActionToken(trx, 'verify_email', hash);
      if (!id) return false;
      await trx
        .updateTable('identity.users')
        .set({ email_verified_at: new Date(), updated_at: new Date() })
        .where('id', '=', id)
        .execute();
      await repo.insertAuthEvent(trx, {
        type: 'email_verified',
        userId: id,
        ip: meta.ip,
        userAgent: meta.userAgent,
      });
      return true;
    });
    if (!ok) throw tokenInvalid();
  }

  /**
   * Accept an invitation: creates the account (or, for an existing account, checks its password),
   * adds the membership and roles, marks the invitation used and audits it — one transaction —
   * then signs the user in to that organisation.
   */
  async acceptInvitation(
    input: { token: string; name: string; password: string },
    meta: RequestMeta,
  ): Promise<IssuedSession> {
    const invalid = () =>
      badRequest('The invitation is invalid, expired or was already used', [], 'FIG_INVITATION_INVALID');
    const hash = checkSignedToken(this.secrets(), 'invitation', input.token);
    if (!hash) throw invalid();
    const inv = await findInvitationByHashAsOwner(this.d.db, hash);
    if (!inv || inv.accepted_at || inv.revoked_at || inv.expires_at.getTime() <= Date.now()) throw invalid();
    const existing = await repo.findUserByEmailAsOwner(this.d.db, inv.email);
    const refusal = existing
      ? undefined
      : passwordRefusal(input.password, { email: inv.email, name: input.name });
    if (refusal) throw weakPassword(refusal);
    if (existing && !(await verifyPassword(existing.password_hash, input.password))) {
      throw new AppError(
        'FIG_ACCOUNT_EXISTS',
        401,
        'This email already has a fig account: accept with its current password',
      );
    }
    const passwordHash = existing ? null : await hashPassword(input.password);
    const user = await this.d.db.transaction().execute(async (trx) => {
      // Owner part: the global user row.
      const u =
        existing ??
        (await repo.insertUserAsOwner(trx, {
          email: inv.email,
          name: input.name,
          passwordHash,
          verified: true,
        }));
      const pv = existing ? await repo.bumpPermsVersionAsOwner(trx, u.id) : u.perms_version;
      // Tenant part, same transaction, under RLS.
      await switchToTenant(trx, inv.tenant_id);
      const taken = await trx
        .updateTable('tenancy.invitations')
        .set({ accepted_at: new Date(), accepted_user_id: u.id })
        .where('id', '=', inv.id)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) !== 1) throw invalid();
      await addMember(trx, inv.tenant_id, u.id, inv.roles);
      await recordAudit(trx, {
        tenantId: inv.tenant_id,
        actor: u.email,
        actorId: u.id,
        action: 'invitation.accept',
        entity: 'membership',
        entityId: u.id,
        after: { email: u.email, roles: inv.roles, invitationId: inv.id },
        requestId: meta.requestId,
        ip: meta.ip,
      });
      return { ...u, perms_version: pv };
    });
    if (existing) await this.publishPermsVersion(user.id, user.perms_version);
    await repo.insertAuthEvent(this.d.db, {
      type: 'invitation_accepted',
      userId: user.id,
      email: user.email,
      ip: meta.ip,
      userAgent: meta.userAgent,
      detail: { tenantId: inv.tenant_id },
    });
    return this.issue(user, inv.tenant_id, undefined, meta);
  }
}
