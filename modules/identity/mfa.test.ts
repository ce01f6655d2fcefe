import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { generate } from 'otplib';
import { buildTestApp } from '../../test/helpers';
import { createTestTenant, createUserWithRoles, type TestUser } from '../../test/auth';

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await buildTestApp({ RATE_LIMIT_AUTH_PER_MIN: '1000' }));
});
afterAll(() => app.close());

const problem = (res: LightMyRequestResponse) => {
  const { instance: _i, request_id: _r, type: _t, ...rest } = res.json() as Record<string, unknown>;
  return rest;
};
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
/** The code of the time step `offset` steps from now (a code already used cannot be used again). */
const codeAt = (secret: string, offset: number) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });
const login = (u: TestUser, tenantId?: string) =>
  app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: u.email, password: u.password, ...(tenantId ? { tenantId } : {}) } });
const post = (url: string, payload: object, token?: string) =>
  app.inject({ method: 'POST', url, payload, headers: token ? bearer(token) : {} });

/** A signed-in user who sets up an authenticator; returns its secret and recovery codes. */
async function enrol(u: TestUser): Promise<{ secret: string; recoveryCodes: string[]; accessToken: string }> {
  const { accessToken } = (await login(u)).json() as { accessToken: string };
  const setup = await post('/api/v1/auth/mfa/setup', {}, accessToken);
  expect(setup.statusCode).toBe(200);
  const { secret, otpauthUrl, qrDataUrl } = setup.json() as { secret: string; otpauthUrl: string; qrDataUrl: string };
  expect(otpauthUrl).toBe(`otpauth://totp/fig:${encodeURIComponent(u.email)}?secret=${secret}&issuer=fig`);
  expect(qrDataUrl).toMatch(/^data:image\/png;base64,/);
  const confirm = await post('/api/v1/auth/mfa/confirm', { code: await codeAt(secret, 0) }, accessToken);
  expect(confirm.statusCode).toBe(200);
  return { secret, recoveryCodes: confirm.json().recoveryCodes, accessToken };
}

describe('TOTP MFA', () => {
  it('enrols with a first code, then sign-in asks for a code; a replayed code is refused', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const { secret, recoveryCodes } = await enrol(u);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    // Stored hashed only.
    const stored = await app.db.selectFrom('identity.mfa_recovery_codes').select('code_hash').where('user_id', '=', u.userId).execute();
    expect(stored.map((r) => r.code_hash)).not.toContain(recoveryCodes[0]);
    const factor = await app.db.selectFrom('identity.mfa_factors').select('secret_enc').where('user_id', '=', u.userId).executeTakeFirstOrThrow();
    expect(factor.secret_enc).not.toContain(secret);

    const first = await login(u);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ mfa: 'verify', challengeToken: expect.any(String), expiresIn: 300 });
    expect(first.cookies.find((c) => c.name === 'fig_refresh')).toBeUndefined();
    const { challengeToken } = first.json() as { challengeToken: string };

    const replay = await post('/api/v1/auth/mfa/verify', { challengeToken, code: await codeAt(secret, 0) });
    expect(replay.statusCode).toBe(401);
    expect(problem(replay)).toEqual({ title: 'Unauthorized', status: 401, code: 'FIG_MFA_CODE_INVALID', detail: 'The code is wrong or was already used; 4 attempt(s) left' });

    const ok = await post('/api/v1/auth/mfa/verify', { challengeToken, code: await codeAt(secret, 1) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ user: { id: u.userId }, roles: ['hr'] });
    expect(ok.cookies.find((c) => c.name === 'fig_refresh')).toBeDefined();
    // The challenge works once.
    const again = await post('/api/v1/auth/mfa/verify', { challengeToken, code: await codeAt(secret, 1) });
    expect(again.json().code).toBe('FIG_MFA_CHALLENGE_INVALID');
  });

  it('a recovery code signs in once; five wrong codes end the challenge', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const { recoveryCodes } = await enrol(u);
    const c1 = (await login(u)).json().challengeToken as string;
    expect((await post('/api/v1/auth/mfa/verify', { challengeToken: c1, code: recoveryCodes[3]!.toUpperCase() })).statusCode).toBe(200);
    const c2 = (await login(u)).json().challengeToken as string;
    expect((await post('/api/v1/auth/mfa/verify', { challengeToken: c2, code: recoveryCodes[3]! })).statusCode).toBe(401);
    for (let i = 0; i < 4; i++) await post('/api/v1/auth/mfa/verify', { challengeToken: c2, code: '000000' });
    const dead = await post('/api/v1/auth/mfa/verify', { challengeToken: c2, code: recoveryCodes[4]! });
    expect(dead.json().code).toBe('FIG_MFA_CHALLENGE_INVALID');
    const events = await app.db.selectFrom('identity.auth_events').select('type').where('user_id', '=', u.userId).execute();
    expect(events.filter((e) => e.type === 'mfa_challenge_failed')).toHaveLength(5);
  });

  it('an organisation requires MFA of admin, finance and ops: enrolment at sign-in, audited; other roles unaffected', async () => {
    const tenantId = await createTestTenant(app);
    const boss = await createUserWithRoles(app, { tenantId, roles: ['admin'] });
    const { accessToken } = (await login(boss)).json() as { accessToken: string };
    const early = await app.inject({ method: 'PUT', url: `/api/v1/tenants/${tenantId}/security`, headers: bearer(accessToken), payload: { mfaRequired: true } });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('FIG_MFA_ENROL_FIRST');

    const enrolled = await enrol(boss);
    const on = await app.inject({ method: 'PUT', url: `/api/v1/tenants/${tenantId}/security`, headers: bearer(enrolled.accessToken), payload: { mfaRequired: true } });
    expect(on.statusCode).toBe(200);
    expect(on.json()).toEqual({ mfaRequired: true, mfaRoles: ['admin', 'finance', 'ops'] });

    const finance = await createUserWithRoles(app, { tenantId, roles: ['finance'] });
    const hr = await createUserWithRoles(app, { tenantId, roles: ['hr'] });
    expect((await login(hr)).json()).toHaveProperty('accessToken');
    const challenge = (await login(finance)).json() as { mfa: string; challengeToken: string };
    expect(challenge.mfa).toBe('enrol');
    // No code to give yet: verify refuses, setup and confirm with the challenge complete the sign-in.
    expect((await post('/api/v1/auth/mfa/verify', { challengeToken: challenge.challengeToken, code: '123456' })).statusCode).toBe(401);
    const setup = (await post('/api/v1/auth/mfa/setup', { challengeToken: challenge.challengeToken })).json() as { secret: string };
    const done = await post('/api/v1/auth/mfa/confirm', { challengeToken: challenge.challengeToken, code: await codeAt(setup.secret, 0) });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ recoveryCodes: expect.any(Array), session: { roles: ['finance'], tenant: { id: tenantId } } });
    const financeToken = done.json().session.accessToken as string;

    const status = await app.inject({ url: '/api/v1/auth/mfa', headers: bearer(financeToken) });
    expect(status.json()).toMatchObject({ enrolled: true, recoveryCodesLeft: 10, required: true });
    const off = await post('/api/v1/auth/mfa/disable', { code: await codeAt(setup.secret, 1) }, financeToken);
    expect(off.statusCode).toBe(409);
    expect(off.json().code).toBe('FIG_MFA_REQUIRED');

    const audit = await app.inject({ url: '/api/v1/audit-events?limit=50', headers: bearer(enrolled.accessToken) });
    const actions = (audit.json().data as { action: string; actor: string }[]).map((e) => `${e.action} ${e.actor}`);
    expect(actions).toEqual(expect.arrayContaining([`mfa.enrol ${boss.email}`, `organisation.security.update ${boss.email}`, `mfa.enrol ${finance.email}`]));
  });

  it('turning MFA off needs a code and is audited', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const { secret, accessToken } = await enrol(u);
    expect((await post('/api/v1/auth/mfa/disable', { code: '999999' }, accessToken)).statusCode).toBe(401);
    expect((await post('/api/v1/auth/mfa/disable', { code: await codeAt(secret, 1) }, accessToken)).statusCode).toBe(204);
    expect((await login(u)).json()).toHaveProperty('accessToken');
  });
});
