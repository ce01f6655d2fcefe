import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, TEST_ADMIN_TOKEN } from '../../test/helpers';
import { loginAs } from '../../test/auth';

const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

describe('platform organisations (/_fig/tenants)', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await buildTestApp({ AUTH_DEV_TOKENS: 'true' }));
  });
  afterAll(async () => app?.close());

  const login = (email: string, password: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
      remoteAddress: '10.9.9.9',
    });

  it('creates an organisation whose first admin is invited by mail, and suspends and reactivates it (audited)', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/_fig/tenants',
      headers: admin,
      payload: { name: 'Initech Ltd', adminEmail: 'Boss@Initech.test' },
    });
    expect(created.statusCode).toBe(201);
    const { organisation, invitation } = created.json();
    expect(organisation).toMatchObject({ name: 'Initech Ltd', status: 'active', suspendedAt: null });
    expect(organisation.slug).toMatch(/^initech-ltd-[0-9a-f]{6}$/);
    expect(invitation).toMatchObject({ email: 'boss@initech.test', roles: ['admin'] });
    const mail = await app.db
      .selectFrom('identity.outbox')
      .select(['kind', 'subject', 'payload'])
      .where('to_email', '=', 'boss@initech.test')
      .executeTakeFirstOrThrow();
    expect(mail).toMatchObject({ kind: 'invitation', subject: 'You are invited to Initech Ltd on fig' });
    // Invited by the operator's admin token: the mail names the platform team, not 'admin-token'.
    expect(mail.payload).toMatchObject({ inviter: 'The fig platform team', organisation: 'Initech Ltd' });

    const accepted = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/accept-invitation',
      payload: { token: invitation.token, name: 'Bill Lumbergh', password: 'stapler-orange-harbour' },
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ tenant: { id: organisation.id }, roles: ['admin'] });
    const access = accepted.json().accessToken as string;

    const suspended = await app.inject({
      method: 'POST',
      url: `/_fig/tenants/${organisation.slug}/suspend`,
      headers: admin,
      payload: { reason: 'unpaid invoices' },
    });
    expect(suspended.statusCode).toBe(200);
    expect(suspended.json()).toMatchObject({
      id: organisation.id,
      status: 'suspended',
      suspendedReason: 'unpaid invoices',
    });

    // The member's current token ends at once; signing in again is refused with a clear problem.
    const me = await app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${access}` },
    });
    expect(me.statusCode).toBe(401);
    const refused = await login('boss@initech.test', 'stapler-orange-harbour');
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({
      status: 403,
      code: 'FIG_TENANT_SUSPENDED',
      detail:
        'The organisation Initech Ltd is suspended: its users cannot sign in until the fig platform team reactivates it',
    });
    const twice = await app.inject({
      method: 'POST',
      url: `/_fig/tenants/${organisation.id}/suspend`,
      headers: admin,
      payload: { reason: 'again' },
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'FIG_TENANT_ALREADY_SUSPENDED' });

    const listed = await app.inject({ method: 'GET', url: '/_fig/tenants?status=suspended', headers: admin });
    expect(listed.json().data.map((o: { id: string }) => o.id)).toContain(organisation.id);

    const back = await app.inject({
      method: 'POST',
      url: `/_fig/tenants/${organisation.id}/reactivate`,
      headers: admin,
      payload: { reason: 'paid' },
    });
    expect(back.json()).toMatchObject({ status: 'active', suspendedAt: null, suspendedReason: null });
    expect((await login('boss@initech.test', 'stapler-orange-harbour')).statusCode).toBe(200);

    const signedIn = (await login('boss@initech.test', 'stapler-orange-harbour')).json()
      .accessToken as string;
    const trail = await app.inject({
      method: 'GET',
      url: '/api/v1/audit-events?entity=organisation',
      headers: { authorization: `Bearer ${signedIn}` },
    });
    expect(trail.json().data.map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
      ['organisation.reactivate', 'admin-token'],
      ['organisation.suspend', 'admin-token'],
      ['organisation.create', 'admin-token'],
    ]);
  });

  it('is for the platform only: an organisation admin gets 403, bad input a 400 with field paths', async () => {
    const orgAdmin = await loginAs(app, { roles: ['admin'] });
    const res = await app.inject({ method: 'GET', url: '/_fig/tenants', headers: orgAdmin.headers });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ detail: 'This action needs the permission platform.tenants.read' });
    const bad = await app.inject({
      method: 'POST',
      url: '/_fig/tenants',
      headers: admin,
      payload: { name: '', adminEmail: 'nope' },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['body.adminEmail', 'body.name']);
  });
});
