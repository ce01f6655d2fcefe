import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildTestApp } from '../../test/helpers';
import { createUserWithRoles, loginAs } from '../../test/auth';

const problem = (res: LightMyRequestResponse) => {
  const { instance: _i, request_id: _r, ...rest } = res.json() as Record<string, unknown>;
  return rest;
};

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await buildTestApp({ AUTH_DEV_TOKENS: 'true' }));
});
afterAll(() => app.close());

const auditActions = async (headers: { authorization: string }, entity: string) => {
  const res = await app.inject({ url: `/api/v1/audit-events?entity=${entity}`, headers });
  return res.json<{ data: { action: string; entityId: string }[] }>().data.map((e) => [e.action, e.entityId]);
};

describe('members', () => {
  it('lists the members by email with their roles, a page at a time', async () => {
    const admin = await loginAs(app, { roles: ['admin'], email: `b-admin-${randomUUID().slice(0, 6)}@test.fig` });
    const hr = await createUserWithRoles(app, { roles: ['hr', 'auditor'], tenantId: admin.tenantId, email: `a-hr-${randomUUID().slice(0, 6)}@test.fig`, name: 'Hal HR' });
    const other = await loginAs(app, { roles: ['admin'] });
    const first = await app.inject({ url: `/api/v1/tenants/${admin.tenantId}/members?limit=1`, headers: admin.headers });
    expect(first.statusCode).toBe(200);
    const body = first.json<{ data: unknown[]; total: number; hasMore: boolean; nextCursor: string }>();
    expect(body).toEqual({
      data: [{ userId: hr.userId, email: hr.email, name: 'Hal HR', status: 'active', roles: ['auditor', 'hr'], createdAt: expect.any(String) }],
      total: 2,
      hasMore: true,
      nextCursor: expect.any(String),
    });
    const second = await app.inject({
      url: `/api/v1/tenants/${admin.tenantId}/members?limit=1&cursor=${body.nextCursor}`,
      headers: admin.headers,
    });
    expect(second.json()).toEqual({
      data: [{ userId: admin.userId, email: admin.email, name: admin.email.split('@')[0], status: 'active', roles: ['admin'], createdAt: expect.any(String) }],
      total: 2,
      hasMore: false,
      nextCursor: null,
    });
    // Another organisation's admin sees neither.
    const theirs = await app.inject({ url: `/api/v1/tenants/${other.tenantId}/members`, headers: other.headers });
    expect(theirs.json().data.map((m: { userId: string }) => m.userId)).toEqual([other.userId]);
  });

  it("answers not found for another organisation's tid", async () => {
    const admin = await loginAs(app, { roles: ['admin'] });
    const other = await loginAs(app, { roles: ['admin'] });
    const res = await app.inject({ url: `/api/v1/tenants/${other.tenantId}/members`, headers: admin.headers });
    expect(problem(res)).toEqual({
      type: 'https://fig.dev/problems/fig-not-found',
      title: 'Not Found',
      status: 404,
      detail: 'Organisation was not found',
      code: 'FIG_NOT_FOUND',
    });
  });

  it("replaces a member's roles, audited", async () => {
    const admin = await loginAs(app, { roles: ['admin'] });
    const hr = await createUserWithRoles(app, { roles: ['hr'], tenantId: admin.tenantId });
    const put = await app.inject({
      method: 'PUT',
      url: `/api/v1/tenants/${admin.tenantId}/members/${hr.userId}/roles`,
      headers: admin.headers,
      payload: { roles: ['manager', 'finance', 'manager'] },
    });
    expect(put.json()).toEqual({ userId: hr.userId, email: hr.email, name: hr.email.split('@')[0], status: 'active', roles: ['finance', 'manager'], createdAt: expect.any(String) });
    expect(await auditActions(admin.headers, 'membership')).toContainEqual(['member.roles.update', hr.userId]);
  });

  it('removes a member (audited), then answers not found for them', async () => {
    const admin = await loginAs(app, { roles: ['admin'] });
    const hr = await createUserWithRoles(app, { roles: ['hr'], tenantId: admin.tenantId });
    const del = () => app.inject({ method: 'DELETE', url: `/api/v1/tenants/${admin.tenantId}/members/${hr.userId}`, headers: admin.headers });
    expect((await del()).statusCode).toBe(204);
    const again = await del();
    expect(problem(again)).toEqual({
      type: 'https://fig.dev/problems/fig-not-found',
      title: 'Not Found',
      status: 404,
      detail: 'Member was not found',
      code: 'FIG_NOT_FOUND',
    });
    expect(await auditActions(admin.headers, 'membership')).toContainEqual(['member.remove', hr.userId]);
    const list = await app.inject({ url: `/api/v1/tenants/${admin.tenantId}/members`, headers: admin.headers });
    expect(list.json().data.map((m: { userId: string }) => m.userId)).toEqual([admin.userId]);
  });

  it('keeps the last admin: neither a role change nor a removal leaves the organisation without one', async () => {
    const admin = await loginAs(app, { roles: ['admin'] });
    const lastAdmin = {
      type: 'https://fig.dev/problems/fig-last-admin',
      title: 'Conflict',
      status: 409,
      detail: 'The organisation would have no admin left',
      code: 'FIG_LAST_ADMIN',
    };
    const put = await app.inject({
      method: 'PUT',
      url: `/api/v1/tenants/${admin.tenantId}/members/${admin.userId}/roles`,
      headers: admin.headers,
      payload: { roles: ['hr'] },
    });
    expect(problem(put)).toEqual(lastAdmin);
    const del = await app.inject({ method: 'DELETE', url: `/api/v1/tenants/${admin.tenantId}/members/${admin.userId}`, headers: admin.headers });
    expect(problem(del)).toEqual(lastAdmin);
    // Both rolled back whole: still a member, still admin, nothing audited.
    const list = await app.inject({ url: `/api/v1/tenants/${admin.tenantId}/members`, headers: admin.headers });
    expect(list.json().data).toMatchObject([{ userId: admin.userId, roles: ['admin'] }]);
    expect(await auditActions(admin.headers, 'membership')).toEqual([['member.add', admin.userId]]);
  });
});

describe('invitations', () => {
  it('refuses to invite an existing member or with an unknown role, listing the bad field', async () => {
    const admin = await loginAs(app, { roles: ['admin'] });
    const dup = await app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${admin.tenantId}/invitations`,
      headers: admin.headers,
      payload: { email: admin.email, roles: ['hr'] },
    });
    expect(problem(dup)).toEqual({
      type: 'https://fig.dev/problems/fig-already-member',
      title: 'Conflict',
      status: 409,
      detail: `${admin.email} is already a member of this organisation`,
      code: 'FIG_ALREADY_MEMBER',
    });
    const bad = await app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${admin.tenantId}/invitations`,
      headers: admin.headers,
      payload: { email: 'x@test.fig', roles: ['hr', 'wizard'] },
    });
    expect(problem(bad)).toEqual({
      type: 'https://fig.dev/problems/fig-validation',
      title: 'Bad Request',
      status: 400,
      detail: '1 invalid field(s)',
      code: 'FIG_VALIDATION',
      errors: [{ path: 'body.roles[1]', message: 'unknown role wizard' }],
    });
  });

  it('revokes a pending invitation once (audited), and lists it as revoked', async () => {
    const admin = await loginAs(app, { roles: ['admin'] });
    const email = `inv-${randomUUID().slice(0, 8)}@test.fig`;
    const inv = await app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${admin.tenantId}/invitations`,
      headers: admin.headers,
      payload: { email, roles: ['hr'] },
    });
    const { id } = inv.json<{ id: string }>();
    const revoke = () => app.inject({ method: 'DELETE', url: `/api/v1/tenants/${admin.tenantId}/invitations/${id}`, headers: admin.headers });
    expect((await revoke()).statusCode).toBe(204);
    expect(problem(await revoke())).toEqual({
      type: 'https://fig.dev/problems/fig-not-found',
      title: 'Not Found',
      status: 404,
      detail: 'Invitation was not found',
      code: 'FIG_NOT_FOUND',
    });
    const list = await app.inject({ url: `/api/v1/tenants/${admin.tenantId}/invitations`, headers: admin.headers });
    expect(list.json()).toEqual({
      data: [
        {
          id,
          email,
          roles: ['hr'],
          status: 'revoked',
          invitedBy: admin.email,
          expiresAt: expect.any(String),
          createdAt: expect.any(String),
          acceptedAt: null,
        },
      ],
      total: 1,
      hasMore: false,
      nextCursor: null,
    });
    expect(await auditActions(admin.headers, 'invitation')).toEqual([
      ['invitation.revoke', id],
      ['invitation.create', id],
    ]);
  });
});
