import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../../test/auth';
import { TEST_ADMIN_TOKEN, buildTestApp } from '../../test/helpers';

let app: FastifyInstance;

beforeAll(async () => {
  ({ app } = await buildTestApp());
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe('Bull Board at /_fig/queues', () => {
  it('is open to the ops platform role only: 200 for ops, 403 for a tenant admin, 401 without a token', async () => {
    const ops = await loginAs(app, { roles: [], platformRoles: ['ops'] });
    const page = await app.inject({ method: 'GET', url: '/_fig/queues', headers: ops.headers });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const api = await app.inject({ method: 'GET', url: '/_fig/queues/api/queues', headers: ops.headers });
    expect(api.statusCode).toBe(200);
    const names = (api.json() as { queues: { name: string }[] }).queues.map((q) => q.name);
    expect(names).toContain('runs.pipeline.v1');

    const admin = await loginAs(app, { roles: ['admin'] });
    for (const url of ['/_fig/queues', '/_fig/queues/api/queues']) {
      const refused = await app.inject({ method: 'GET', url, headers: admin.headers });
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({
        status: 403,
        detail: 'This action needs the permission platform.queues.read',
      });
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
    }
  });

  it('opens in a browser through an HttpOnly cookie that only an ops user can obtain, and only the board reads', async () => {
    const ops = await loginAs(app, { roles: [], platformRoles: ['ops'] });
    const session = await app.inject({ method: 'POST', url: '/_fig/queues-session', headers: ops.headers });
    expect(session.statusCode).toBe(204);
    const setCookie = String(session.headers['set-cookie']);
    expect(setCookie).toContain(`fig_queues=${ops.token}`);
    expect(setCookie).toMatch(/Path=\/_fig\/queues/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Max-Age=\d+/);

    // The board's page and API answer with the cookie alone.
    const cookie = { cookie: `fig_queues=${ops.token}` };
    expect((await app.inject({ method: 'GET', url: '/_fig/queues', headers: cookie })).statusCode).toBe(200);
    const api = await app.inject({ method: 'GET', url: '/_fig/queues/api/queues', headers: cookie });
    expect(api.statusCode).toBe(200);
    expect((api.json() as { queues: unknown[] }).queues.length).toBeGreaterThan(0);

    // The cookie is read by the board only: another ops route still wants the bearer header.
    const other = await app.inject({ method: 'GET', url: '/_fig/routes', headers: cookie });
    expect(other.statusCode).toBe(401);

    // A tenant admin can neither obtain the cookie nor use one carrying their token.
    const admin = await loginAs(app, { roles: ['admin'] });
    expect((await app.inject({ method: 'POST', url: '/_fig/queues-session', headers: admin.headers })).statusCode).toBe(403);
    const forged = await app.inject({ method: 'GET', url: '/_fig/queues/api/queues', headers: { cookie: `fig_queues=${admin.token}` } });
    expect(forged.statusCode).toBe(403);
    // A cookie that is not a valid token is a 401, like a bad bearer token.
    expect((await app.inject({ method: 'GET', url: '/_fig/queues', headers: { cookie: 'fig_queues=nope' } })).statusCode).toBe(401);
    // Automation's ADMIN_TOKEN is never put in a browser cookie.
    const automation = await app.inject({
      method: 'POST',
      url: '/_fig/queues-session',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    expect(automation.statusCode).toBe(400);

    const signOut = await app.inject({ method: 'DELETE', url: '/_fig/queues-session' });
    expect(signOut.statusCode).toBe(204);
    expect(String(signOut.headers['set-cookie'])).toMatch(/fig_queues=;.*Expires=Thu, 01 Jan 1970/);
  });
});
