import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { buildTestApp } from '../../test/helpers';
import { createTestTenant, createUserWithRoles, loginAs, TEST_PASSWORD } from '../../test/auth';
import { DEMO_TENANTS, seedDemo } from './index';

const K1 = 'k1:' + 'a'.repeat(40);
const K2 = 'k2:' + 'b'.repeat(40);

function cookieOf(res: LightMyRequestResponse): string | undefined {
  const c = res.cookies.find((x) => x.name === 'fig_refresh');
  return c?.value || undefined;
}
const problem = (res: LightMyRequestResponse) => {
  const { instance: _i, request_id: _r, ...rest } = res.json() as Record<string, unknown>;
  return rest;
};
function hs256(secret: string, header: object, payload: object): string {
  const b = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b(header)}.${b(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await buildTestApp({
    JWT_KEYS: `${K1},${K2}`,
    AUTH_LOCKOUT_THRESHOLD: '3',
    AUTH_LOCKOUT_BASE_MS: '1500',
    AUTH_DEV_TOKENS: 'true',
    RATE_LIMIT_AUTH_PER_MIN: '1000',
  }));
});
afterAll(() => app.close());

const login = (email: string, password: string, tenantId?: string) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password, ...(tenantId ? { tenantId } : {}) },
  });
const refresh = (cookie: string | undefined, body: object = {}) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/auth/refresh',
    payload: body,
    cookies: cookie ? { fig_refresh: cookie } : {},
  });
const authEvents = (userId: string) =>
  app.db
    .selectFrom('identity.auth_events')
    .select(['type', 'detail'])
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();

describe('login', () => {
  it('signs in with the right password: access token, refresh cookie, tenants, permissions', async () => {
    const u = await createUserWithRoles(app, { roles: ['finance'] });
    const res = await login(u.email.toUpperCase(), u.password);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      expiresIn: 600,
      user: { id: u.userId, email: u.email },
      tenant: { id: u.tenantId },
      roles: ['finance'],
    });
    expect(body.permissions).toContain('runs.approve.finance');
    expect(body.permissions).not.toContain('users.manage');
    expect(body.tenants).toEqual([expect.objectContaining({ id: u.tenantId, roles: ['finance'] })]);
    const cookie = res.cookies.find((c) => c.name === 'fig_refresh')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth' });
    const me = await app.inject({
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${body.accessToken}` },
    });
    expect(me.statusCode).toBe(200);
    const { accessToken: _a, expiresIn: _e, ...rest } = body;
    const { expiresIn, ...meRest } = me.json();
    expect(meRest).toEqual(rest);
    expect(expiresIn).toBeGreaterThan(500);
    expect(expiresIn).toBeLessThanOrEqual(app.config.ACCESS_TOKEN_TTL_S);
    const header = JSON.parse(Buffer.from(body.accessToken.split('.')[0], 'base64url').toString());
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'k1' });
    // The token itself lives exactly ACCESS_TOKEN_TTL_S (about ten minutes), not what the body says.
    const claims = JSON.parse(Buffer.from(body.accessToken.split('.')[1], 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(app.config.ACCESS_TOKEN_TTL_S);
    expect(body.expiresIn).toBe(app.config.ACCESS_TOKEN_TTL_S);
    const stored = await app.db
      .selectFrom('identity.users')
      .select('password_hash')
      .where('id', '=', u.userId)
      .executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a wrong password and an unknown email with the same problem', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const wrong = await login(u.email, 'not-the-password');
    const unknown = await login(`nobody-${randomUUID()}@test.fig`, 'whatever-123');
    expect(wrong.statusCode).toBe(401);
    expect(problem(wrong)).toEqual({
      type: 'https://fig.dev/problems/fig-invalid-credentials',
      title: 'Unauthorized',
      status: 401,
      detail: 'Email or password is wrong',
      code: 'FIG_INVALID_CREDENTIALS',
    });
    expect(problem(unknown)).toEqual(problem(wrong));
    expect((await authEvents(u.userId)).map((e) => e.type)).toEqual(['login_failure']);
  });

  it('signs in to the organisation asked for, and refuses one the user is not a member of', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const second = await createTestTenant(app);
    await createUserWithRoles(app, { email: u.email, tenantId: second, roles: ['auditor'] });
    const res = await login(u.email, u.password, second);
    expect(res.json()).toMatchObject({ tenant: { id: second }, roles: ['auditor'] });
    expect(res.json().tenants).toHaveLength(2);
    const other = await login(u.email, u.password, await createTestTenant(app));
    expect(other.statusCode).toBe(403);
    expect(problem(other)).toMatchObject({ code: 'FIG_NOT_A_MEMBER', status: 403 });
  });
});

describe('lockout', () => {
  it('locks an account after the threshold, even for the right password, and unlocks when the window ends', async () => {
    const u = await createUserWithRoles(app, { roles: ['readonly'] });
    for (let i = 0; i < 3; i++) expect((await login(u.email, 'wrong-password')).statusCode).toBe(401);
    const locked = await login(u.email, u.password);
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(problem(locked)).toMatchObject({
      status: 429,
      code: 'FIG_LOGIN_LOCKED',
      title: 'Too Many Requests',
    });
    expect(problem(locked).detail as string).toMatch(/^Too many failed sign-ins; try again in \d+ s$/);
    const types = (await authEvents(u.userId)).map((e) => e.type);
    expect(types).toEqual(['login_failure', 'login_failure', 'login_failure', 'lockout']);
    await new Promise((r) => setTimeout(r, 1600));
    expect((await login(u.email, u.password)).statusCode).toBe(200);
  });

  it('doubles the lockout for a repeat offender (progressive)', async () => {
    const u = await createUserWithRoles(app, { roles: ['readonly'] });
    const key = `${app.config.REDIS_PREFIX}auth:lock:a:${u.email}`;
    for (let i = 0; i < 3; i++) await login(u.email, 'wrong-password');
    const first = await app.redis.pttl(key);
    await app.redis.del(key);
    for (let i = 0; i < 3; i++) await login(u.email, 'wrong-password');
    const second = await app.redis.pttl(key);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(1500);
    expect(second).toBeGreaterThan(1500);
    expect(second).toBeLessThanOrEqual(3000);
  });
});

describe('refresh tokens', () => {
  it('rotates: each refresh returns a new cookie and a new access token', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const first = cookieOf(await login(u.email, u.password));
    const res = await refresh(first);
    expect(res.statusCode).toBe(200);
    const second = cookieOf(res);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(res.json()).toMatchObject({ user: { id: u.userId }, tenant: { id: u.tenantId }, roles: ['hr'] });
    expect((await refresh(second)).statusCode).toBe(200);
    const sessions = await app.db
      .selectFrom('identity.user_sessions')
      .select(['family_id', 'rotated_at', 'token_hash'])
      .where('user_id', '=', u.userId)
      .execute();
    expect(new Set(sessions.map((s) => s.family_id)).size).toBe(1);
    expect(sessions.filter((s) => s.rotated_at === null)).toHaveLength(1);
    expect(sessions.every((s) => /^[0-9a-f]{64}$/.test(s.token_hash))).toBe(true);
  });

  it('detects reuse of a rotated token and revokes the whole family', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const stolen = cookieOf(await login(u.email, u.password));
    const legit = cookieOf(await refresh(stolen));
    const replay = await refresh(stolen);
    expect(replay.statusCode).toBe(401);
    expect(problem(replay)).toEqual({
      type: 'https://fig.dev/problems/fig-refresh-reused',
      title: 'Unauthorized',
      status: 401,
      detail: 'This session was ended because its refresh token was used twice: sign in again',
      code: 'FIG_REFRESH_REUSED',
    });
    const after = await refresh(legit);
    expect(after.statusCode).toBe(401);
    expect(problem(after)).toMatchObject({ code: 'FIG_REFRESH_INVALID' });
    const events = await authEvents(u.userId);
    expect(events.map((e) => e.type)).toContain('refresh_reuse');
    expect(events.find((e) => e.type === 'refresh_reuse')!.detail).toMatchObject({ revoked: 2 }); // the rotated (stolen) token's row and the live one
  });

  it('switches organisation by refreshing with a tenantId', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const second = await createTestTenant(app);
    await createUserWithRoles(app, { email: u.email, tenantId: second, roles: ['manager'] });
    const c = cookieOf(await login(u.email, u.password, u.tenantId));
    const res = await refresh(c, { tenantId: second });
    expect(res.json()).toMatchObject({ tenant: { id: second }, roles: ['manager'] });
  });

  it('refuses a refresh without a cookie, and ends the family on logout', async () => {
    const none = await refresh(undefined);
    expect(none.statusCode).toBe(401);
    expect(problem(none)).toMatchObject({ code: 'FIG_REFRESH_INVALID' });
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const c = cookieOf(await login(u.email, u.password));
    const out = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      cookies: { fig_refresh: c! },
    });
    expect(out.statusCode).toBe(204);
    expect((await refresh(c)).statusCode).toBe(401);
  });

  it('logout-all ends every session and kills live access tokens at once', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const a = await login(u.email, u.password);
    const b = await login(u.email, u.password);
    const auth = { authorization: `Bearer ${a.json().accessToken}` };
    expect(
      (await app.inject({ method: 'POST', url: '/api/v1/auth/logout-all', headers: auth })).statusCode,
    ).toBe(204);
    const me = await app.inject({ url: '/api/v1/me', headers: auth });
    expect(me.statusCode).toBe(401);
    expect(problem(me)).toMatchObject({
      code: 'FIG_UNAUTHORIZED',
      detail: 'The access token was revoked; refresh the session',
    });
    expect((await refresh(cookieOf(b))).statusCode).toBe(401);
    expect((await login(u.email, u.password)).statusCode).toBe(200);
  });
});

describe('access tokens', () => {
  let user: Awaited<ReturnType<typeof loginAs>>;
  const now = () => Math.floor(Date.now() / 1000);
  const claims = () => ({
    sub: user.userId,
    tid: user.tenantId,
    roles: ['admin'],
    platformRoles: [],
    pv: 1,
    portal: 'internal',
    email: user.email,
    iss: 'fig',
    iat: now(),
    exp: now() + 300,
  });
  const me = (token: string) =>
    app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
  const members = (token: string) =>
    app.inject({
      url: `/api/v1/tenants/${user.tenantId}/members`,
      headers: { authorization: `Bearer ${token}` },
    });
  beforeAll(async () => {
    user = await loginAs(app, { roles: ['admin'] });
  });

  it('accepts a token signed by any configured key (rotation)', async () => {
    expect(
      (await members(hs256('b'.repeat(40), { alg: 'HS256', typ: 'JWT', kid: 'k2' }, claims()))).statusCode,
    ).toBe(200);
    expect(
      (await members(hs256('a'.repeat(40), { alg: 'HS256', typ: 'JWT', kid: 'k1' }, claims()))).statusCode,
    ).toBe(200);
  });

  it.each([
    [
      'expired',
      () =>
        hs256(
          'a'.repeat(40),
          { alg: 'HS256', kid: 'k1' },
          { ...claims(), iat: now() - 900, exp: now() - 60 },
        ),
      'The access token has expired',
    ],
    [
      'signed with the wrong key',
      () => hs256('c'.repeat(40), { alg: 'HS256', kid: 'k1' }, claims()),
      'The access token signature or claims are invalid',
    ],
    [
      'of an unknown kid',
      () => hs256('a'.repeat(40), { alg: 'HS256', kid: 'k9' }, claims()),
      'The access token was signed with an unknown key',
    ],
    [
      'without kid',
      () => hs256('a'.repeat(40), { alg: 'HS256' }, claims()),
      'The access token was signed with an unknown key',
    ],
    [
      'alg none',
      () =>
        `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'k1' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`,
      'The access token uses an algorithm fig does not accept',
    ],
    [
      'HS512',
      () => hs256('a'.repeat(40), { alg: 'HS512', kid: 'k1' }, claims()),
      'The access token uses an algorithm fig does not accept',
    ],
    [
      'tampered (roles changed after signing)',
      () => {
        const [h, , s] = hs256(
          'a'.repeat(40),
          { alg: 'HS256', kid: 'k1' },
          { ...claims(), roles: ['readonly'] },
        ).split('.');
        return `${h}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.${s}`;
      },
      'The access token signature or claims are invalid',
    ],
    ['garbage', () => 'not-a-jwt', 'The access token is malformed'],
  ])('refuses a token %s with a 401 problem', async (_name, make, detail) => {
    const res = await members(make());
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(problem(res)).toEqual({
      type: 'https://fig.dev/problems/fig-unauthorized',
      title: 'Unauthorized',
      status: 401,
      detail,
      code: 'FIG_UNAUTHORIZED',
    });
    expect((await me(make())).statusCode).toBe(401);
  });

  it('answers 401 without a token and 403 without the permission', async () => {
    const anon = await app.inject({ url: `/api/v1/tenants/${user.tenantId}/members` });
    expect(anon.statusCode).toBe(401);
    expect(problem(anon)).toMatchObject({
      code: 'FIG_UNAUTHORIZED',
      detail: 'Authentication is required: send Authorization: Bearer <access token>',
    });
    const mgr = await loginAs(app, { roles: ['manager'], tenantId: user.tenantId });
    const res = await app.inject({ url: `/api/v1/tenants/${user.tenantId}/members`, headers: mgr.headers });
    expect(res.statusCode).toBe(403);
    expect(problem(res)).toEqual({
      type: 'https://fig.dev/problems/fig-forbidden',
      title: 'Forbidden',
      status: 403,
      detail: 'This action needs the permission users.read',
      code: 'FIG_FORBIDDEN',
    });
  });

  it('stops honouring a token once the user’s roles change (permission version)', async () => {
    const admin = await loginAs(app, { roles: ['admin'] });
    const hr = await loginAs(app, { roles: ['hr'], tenantId: admin.tenantId });
    const before = await app.inject({
      url: `/api/v1/tenants/${admin.tenantId}/members`,
      headers: hr.headers,
    });
    expect(before.statusCode).toBe(200);
    const put = await app.inject({
      method: 'PUT',
      url: `/api/v1/tenants/${admin.tenantId}/members/${hr.userId}/roles`,
      headers: admin.headers,
      payload: { roles: ['manager'] },
    });
    expect(put.statusCode).toBe(200);
    const after = await app.inject({ url: `/api/v1/tenants/${admin.tenantId}/members`, headers: hr.headers });
    expect(after.statusCode).toBe(401);
  });
});

describe('password reset and email verification', () => {
  it('resets a password with a single-use mailed token and ends old sessions', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const c = cookieOf(await login(u.email, u.password));
    const req = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/request',
      payload: { email: u.email },
    });
    expect(req.statusCode).toBe(202);
    const { token } = req.json();
    const mail = await app.db
      .selectFrom('identity.outbox')
      .selectAll()
      .where('to_email', '=', u.email)
      .where('kind', '=', 'password_reset')
      .executeTakeFirstOrThrow();
    expect(mail.body).toContain(token);
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/request',
      payload: { email: `x-${randomUUID()}@test.fig` },
    });
    expect(unknown.statusCode).toBe(202);
    expect(unknown.json()).toEqual({ accepted: true });
    const forged = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      payload: { token: token.slice(0, -2) + 'AA', password: 'brand-new-password' },
    });
    expect(problem(forged)).toMatchObject({ status: 400, code: 'FIG_TOKEN_INVALID' });
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      payload: { token, password: 'brand-new-password' },
    });
    expect(ok.statusCode).toBe(204);
    const again = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      payload: { token, password: 'another-password-1' },
    });
    expect(problem(again)).toMatchObject({
      status: 400,
      code: 'FIG_TOKEN_INVALID',
      detail: 'The link is invalid, expired or was already used',
    });
    expect((await refresh(c)).statusCode).toBe(401);
    expect((await login(u.email, TEST_PASSWORD)).statusCode).toBe(401);
    expect((await login(u.email, 'brand-new-password')).statusCode).toBe(200);
  });

  it('verifies an email address with its token', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    await app.db
      .updateTable('identity.users')
      .set({ email_verified_at: null })
      .where('id', '=', u.userId)
      .execute();
    const access = (await login(u.email, u.password)).json().accessToken;
    const req = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/verify-email/request',
      headers: { authorization: `Bearer ${access}` },
    });
    expect(req.statusCode).toBe(202);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/verify-email',
      payload: { token: req.json().token },
    });
    expect(res.statusCode).toBe(204);
    const row = await app.db
      .selectFrom('identity.users')
      .select('email_verified_at')
      .where('id', '=', u.userId)
      .executeTakeFirstOrThrow();
    expect(row.email_verified_at).toBeInstanceOf(Date);
  });
});

describe('invitations', () => {
  it('invites by email, accepts once into the organisation with the roles, audited', async () => {
    const admin = await loginAs(app, { roles: ['admin'] });
    const email = `new-${randomUUID().slice(0, 8)}@test.fig`;
    const inv = await app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${admin.tenantId}/invitations`,
      headers: admin.headers,
      payload: { email, roles: ['finance', 'auditor'] },
    });
    expect(inv.statusCode).toBe(201);
    expect(inv.json()).toMatchObject({ email, roles: ['auditor', 'finance'], token: expect.any(String) });
    const mail = await app.db
      .selectFrom('identity.outbox')
      .select(['body', 'kind'])
      .where('to_email', '=', email)
      .executeTakeFirstOrThrow();
    expect(mail.body).toContain(inv.json().token);
    const accept = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/accept-invitation',
      payload: { token: inv.json().token, name: 'New Person', password: 'a-good-password' },
    });
    expect(accept.statusCode).toBe(200);
    expect(accept.json()).toMatchObject({
      user: { email, name: 'New Person' },
      tenant: { id: admin.tenantId },
      roles: ['auditor', 'finance'],
    });
    expect(cookieOf(accept)).toBeDefined();
    const twice = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/accept-invitation',
      payload: { token: inv.json().token, name: 'X', password: 'a-good-password' },
    });
    expect(problem(twice)).toMatchObject({ status: 400, code: 'FIG_INVITATION_INVALID' });
    const events = await app.inject({
      url: '/api/v1/audit-events?entity=invitation',
      headers: admin.headers,
    });
    expect(events.json().data.map((e: { action: string }) => e.action)).toEqual(['invitation.create']);
    const accepted = await app.inject({
      url: '/api/v1/audit-events?action=invitation.accept',
      headers: admin.headers,
    });
    expect(accepted.json().data[0]).toMatchObject({
      actor: email,
      entity: 'membership',
      after: { email, roles: ['auditor', 'finance'] },
    });
    const list = await app.inject({
      url: `/api/v1/tenants/${admin.tenantId}/invitations`,
      headers: admin.headers,
    });
    expect(list.json().data[0]).toMatchObject({ email, status: 'accepted', invitedBy: admin.email });
  });
});

describe('seedDemo', () => {
  it('is idempotent and lets the demo users sign in', async () => {
    const first = await seedDemo(app.db);
    const count = async () =>
      Number((await sql<{ n: string }>`select count(*) as n from audit.events`.execute(app.db)).rows[0]!.n);
    const events = await count();
    await seedDemo(app.db);
    expect(await count()).toBe(events);
    expect(first.tenants.map((t) => t.slug)).toEqual(['acme', 'globex']);
    const res = await login('admin@acme.test', 'fig-demo-2026');
    // Acme's admin is a tenant admin only; ops is a platform role (see platform-roles.test.ts).
    expect(res.json()).toMatchObject({ tenant: { id: DEMO_TENANTS.acme.id }, roles: ['admin'], platformRoles: [] });
    expect(
      res
        .json()
        .tenants.map((t: { slug: string }) => t.slug)
        .sort(),
    ).toEqual(['acme', 'globex']);
  });
});
