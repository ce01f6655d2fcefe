import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../../test/auth';
import { buildTestApp } from '../../test/helpers';

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
});
