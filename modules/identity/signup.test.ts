import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildTestApp, TEST_ADMIN_TOKEN } from '../../test/helpers';

const problem = (res: LightMyRequestResponse) => {
  const { instance: _i, request_id: _r, ...rest } = res.json() as Record<string, unknown>;
  return rest;
};

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await buildTestApp({ AUTH_DEV_TOKENS: 'true', RATE_LIMIT_AUTH_PER_MIN: '1000', SIGNUP_PER_HOUR: '4' }));
});
afterAll(() => app.close());

let n = 0;
const signUp = (body: Record<string, unknown>, remoteAddress = `10.0.0.${++n}`) =>
  app.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: body, remoteAddress });
const verify = (token: string) => app.inject({ method: 'POST', url: '/api/v1/auth/signup/verify', payload: { token } });
const outbox = (to: string) =>
  app.db.selectFrom('identity.outbox').select(['kind', 'subject', 'body', 'payload']).where('to_email', '=', to).orderBy('id').execute();

describe('self-serve sign-up', () => {
  it('mails a verification link and creates nothing until it is opened; then the founder signs in as admin', async () => {
    const email = `founder-${Date.now()}@initech.test`;
    const res = await signUp({ organisationName: 'Initech Ltd', email: email.toUpperCase(), name: 'Bill L', password: 'tangerine-orbit-canal' });
    expect(res.statusCode, res.body).toBe(202);
    const { token } = res.json() as { token: string };
    expect(token).toBeTruthy();
    const mails = await outbox(email);
    expect(mails).toEqual([
      expect.objectContaining({ kind: 'signup', subject: 'Confirm your new organisation Initech Ltd on fig', payload: { organisation: 'Initech Ltd' } }),
    ]);
    expect(mails[0]!.body).toContain(`/app/verify-signup#token=${token}`);
    // Nothing exists yet: no user, no organisation.
    expect(await app.db.selectFrom('identity.users').select('id').where('email', '=', email).executeTakeFirst()).toBeUndefined();
    const before = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'tangerine-orbit-canal' } });
    expect(before.statusCode).toBe(401);

    const done = await verify(token);
    expect(done.statusCode).toBe(201);
    const body = done.json() as { organisation: { id: string; name: string; slug: string }; email: string };
    expect(body).toMatchObject({ organisation: { name: 'Initech Ltd' }, email });
    expect(body.organisation.slug).toMatch(/^initech-ltd-[0-9a-f]{6}$/);

    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'tangerine-orbit-canal' } });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toMatchObject({ tenant: { id: body.organisation.id, name: 'Initech Ltd' }, roles: ['admin'], user: { name: 'Bill L' } });
    expect(login.json().permissions).toContain('users.manage');

    // Audited in the new organisation's own trail, and ops see it in the organisation list.
    const audit = await app.inject({
      url: `/api/v1/audit-events`,
      headers: { authorization: `Bearer ${login.json().accessToken}` },
    });
    expect(audit.statusCode).toBe(200);
    expect(audit.json().data.map((e: { action: string }) => e.action).sort()).toEqual(['member.add', 'organisation.create']);
    const list = await app.inject({ url: '/_fig/tenants?search=Initech', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(list.json().data).toEqual([expect.objectContaining({ id: body.organisation.id, status: 'active' })]);
  });

  it('a link works once', async () => {
    const email = `once-${Date.now()}@test.fig`;
    const { token } = (await signUp({ organisationName: 'Once Co', email, name: 'O', password: 'saffron-pylon-drift' })).json() as { token: string };
    expect((await verify(token)).statusCode).toBe(201);
    const again = await verify(token);
    expect(again.statusCode).toBe(400);
    expect(problem(again)).toMatchObject({ status: 400, code: 'FIG_TOKEN_INVALID', title: 'Bad Request' });
    const orgs = await app.db.selectFrom('tenancy.organisations').select('id').where('name', '=', 'Once Co').execute();
    expect(orgs).toHaveLength(1);
  });

  it('refuses a forged token and lists every bad field as problem+json', async () => {
    const forged = await verify(`${'a'.repeat(32)}.${'b'.repeat(22)}`);
    expect(forged.statusCode).toBe(400);
    expect(forged.json().code).toBe('FIG_TOKEN_INVALID');
    const bad = await signUp({ organisationName: '', email: 'not-an-email', name: 'X', password: 'short' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    const paths = (bad.json().errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(['body.email', 'body.organisationName', 'body.password']);
  });

  it('an existing account keeps its password and gains the new organisation as admin', async () => {
    const email = `exists-${Date.now()}@test.fig`;
    const first = (await signUp({ organisationName: 'First Org', email, name: 'E', password: 'granite-willow-harbor' })).json() as { token: string };
    await verify(first.token);
    const second = (await signUp({ organisationName: 'Second Org', email, name: 'E', password: 'another-password-entirely' })).json() as { token: string };
    const org2 = (await verify(second.token)).json() as { organisation: { id: string } };
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'another-password-entirely' } });
    expect(wrong.statusCode).toBe(401);
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'granite-willow-harbor', tenantId: org2.organisation.id } });
    expect(login.statusCode).toBe(200);
    expect(login.json().tenants.map((t: { name: string }) => t.name)).toEqual(['First Org', 'Second Org']);
  });

  it('sends at most 3 sign-up mails to one address per hour (still answering 202)', async () => {
    const email = `bombed-${Date.now()}@test.fig`;
    for (let i = 0; i < 4; i++) {
      const res = await signUp({ organisationName: `Spam ${i}`, email, name: 'S', password: 'cobalt-fennel-quarry' });
      expect(res.statusCode).toBe(202);
    }
    expect(await outbox(email)).toHaveLength(3);
  });

  it('rate-limits sign-ups per client IP with a problem', async () => {
    const ip = '10.9.9.9';
    const body = (i: number) => ({ organisationName: `Limit ${i}`, email: `limit-${i}-${Date.now()}@test.fig`, name: 'L', password: 'marble-lagoon-vesper' });
    for (let i = 0; i < 4; i++) expect((await signUp(body(i), ip)).statusCode).toBe(202);
    const over = await signUp(body(5), ip);
    expect(over.statusCode).toBe(429);
    expect(over.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problem(over)).toMatchObject({ status: 429, code: 'FIG_RATE_LIMITED' });
  });
});
